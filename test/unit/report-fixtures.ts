// A finished rollback run with a fixed clock, for report and thread golden files: everything that is
// not the evidence under test (plan, approvals, steps, verification, timeline) is fixed here.
import type { Deployment, Evidence, Run, TimelineEvent } from '../../src/core/model.js';
import type { IncidentEvidence } from '../../src/core/evidence.js';
import { analyseRootCause } from '../../src/core/rca.js';
import { releaseDiff } from '../../src/core/report/release-diff.js';
import { makeDeployment, makePlan, makeRun, makeStep } from '../support/builders.js';

export const DAY = '2026-11-20';
export const t = (clock: string) => `${DAY}T${clock}.000Z`;

export const TARGET_DEPLOYMENT: Deployment = makeDeployment({
  id: 'deploy-200',
  version: 'v1.2.0',
  createdAt: '2026-11-19T09:00:00.000Z',
  gitSha: '4b1d2e0',
  migrations: [],
});
export const failedDeployment = (migrations: Deployment['migrations'] = []): Deployment =>
  makeDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: t('10:30:00'), gitSha: '9f1c2e7', status: 'failed', migrations });

export const INCIDENT: IncidentEvidence = {
  id: 'PINC123',
  entries: [
    { at: t('10:41:05'), type: 'trigger_log_entry', summary: 'checkout 5xx rate above 5% for 3 minutes' },
    { at: t('10:42:30'), type: 'acknowledge_log_entry', summary: 'Acknowledged by Dana (on call)' },
  ],
};

/** The run as the use cases leave it after a verified rollback of checkout-api at 10:43. */
export function finishedRun(evidence: Evidence | undefined, overrides: Partial<Run> = {}): Run {
  const step = makeStep({
    component: 'checkout-api',
    description: 'Roll checkout-api back to v1.2.0 (revision 2)',
    target: { image: 'registry.example/checkout-api:v1.2.0', revision: 2 },
  });
  return makeRun({
    id: 'rb-fixture01',
    status: 'succeeded',
    createdAt: t('10:43:30'),
    updatedAt: t('10:44:54'),
    requestedBy: { kind: 'slack_user', id: 'U0REQUEST', name: 'alice' },
    plan: {
      ...makePlan({ components: ['checkout-api'], steps: [step] }),
      reason: 'checkout 5xx after deploy',
      createdAt: t('10:43:30'),
      expiresAt: t('10:58:30'),
      targetDeploymentId: 'deploy-200',
    },
    approvals: [{ userId: 'U0APPROVE', at: t('10:44:10') }],
    stepResults: [
      {
        index: 1,
        status: 'done',
        startedAt: t('10:44:12'),
        finishedAt: t('10:44:48'),
        detail: 'checkout-api runs registry.example/checkout-api:v1.2.0 (revision 4)',
      },
    ],
    verification: {
      phase: 'Succeeded',
      startedAt: t('10:44:48'),
      finishedAt: t('10:44:54'),
      checks: [
        {
          name: 'rollout checkout-api',
          phase: 'passed',
          measured: '3/3 ready, revision 4, registry.example/checkout-api:v1.2.0',
          threshold: '3/3 ready on registry.example/checkout-api:v1.2.0',
          durationMs: 14,
          detail: 'checkout-api: 3/3 replicas ready',
        },
        {
          name: 'http http://checkout.shop.svc/healthz',
          phase: 'passed',
          measured: 'HTTP 200',
          threshold: 'HTTP 200',
          durationMs: 5210,
          detail: 'answered HTTP 200 after 3 attempt(s)',
        },
        { name: 'smoke commands', phase: 'skipped', durationMs: 0, detail: 'no smoke commands are configured (verification.commands)' },
      ],
    },
    ...(evidence ? { rootCause: analyseRootCause(evidence) } : {}),
    ...overrides,
  });
}

export function finishedEvents(runId = 'rb-fixture01'): TimelineEvent[] {
  const system = { kind: 'system' as const, id: 'smartspec-rollback' };
  return [
    {
      runId,
      at: t('10:43:30'),
      actor: { kind: 'slack_user', id: 'U0REQUEST', name: 'alice' },
      type: 'requested',
      detail: 'v1.2.1 → v1.2.0, risk MEDIUM',
    },
    { runId, at: t('10:44:10'), actor: { kind: 'slack_user', id: 'U0APPROVE', name: 'bob' }, type: 'approval', detail: 'approved the plan' },
    { runId, at: t('10:44:10'), actor: { kind: 'slack_user', id: 'U0APPROVE', name: 'bob' }, type: 'approved', detail: 'approved by bob' },
    { runId, at: t('10:44:10'), actor: system, type: 'executing', detail: 'execution started' },
    { runId, at: t('10:44:12'), actor: system, type: 'step_started', detail: 'step 1: Roll checkout-api back to v1.2.0' },
    { runId, at: t('10:44:48'), actor: system, type: 'step_done', detail: 'step 1: checkout-api runs v1.2.0' },
    { runId, at: t('10:44:48'), actor: system, type: 'verifying', detail: 'verification started' },
    { runId, at: t('10:44:54'), actor: system, type: 'succeeded', detail: 'verification passed' },
  ];
}

/** Evidence as the use case completes it: the cluster's part plus the records' and the incident's. */
export function withRecords(cluster: Evidence, options: { migrations?: Deployment['migrations']; incident?: IncidentEvidence } = {}): Evidence {
  const failed = failedDeployment(options.migrations);
  return { ...cluster, release: releaseDiff(failed, TARGET_DEPLOYMENT), ...(options.incident ? { incident: options.incident } : {}) };
}

/** A crash the log explains: the failed version dropped an env var the code still needs. */
export const RICH_EVIDENCE: Evidence = withRecords(
  {
    failedImages: ['registry.example/checkout-api:v1.2.1'],
    pods: [
      {
        name: 'checkout-api-7d9f-abcde',
        component: 'checkout-api',
        image: 'registry.example/checkout-api:v1.2.1',
        phase: 'Running',
        ready: false,
        restarts: 4,
        waitingReason: 'CrashLoopBackOff',
        lastTerminationReason: 'Error',
        lastExitCode: 1,
      },
      {
        name: 'checkout-api-7d9f-fghij',
        component: 'checkout-api',
        image: 'registry.example/checkout-api:v1.2.1',
        phase: 'Running',
        ready: false,
        restarts: 3,
        waitingReason: 'CrashLoopBackOff',
        lastTerminationReason: 'Error',
        lastExitCode: 1,
      },
    ],
    warnings: [
      { object: 'Pod/checkout-api-7d9f-abcde', reason: 'BackOff', message: 'Back-off restarting failed container checkout-api', count: 9 },
      { object: 'ReplicaSet/checkout-api-7d9f', reason: 'FailedCreate', message: 'quota | exceeded <b>', count: 1 },
    ],
    logs: [
      {
        pod: 'checkout-api-7d9f-abcde',
        container: 'checkout-api',
        lines: [
          'starting checkout-api v1.2.1',
          'loading flags from ```FEATURE_FLAGS_URL```',
          'FATAL: FEATURE_FLAGS_URL is required (password=swordfish)',
        ],
      },
    ],
    diff: {
      components: [
        {
          component: 'checkout-api',
          targetRevision: 4,
          failedRevision: 5,
          images: [
            {
              container: 'checkout-api',
              field: 'image',
              target: 'registry.example/checkout-api:v1.2.0',
              failed: 'registry.example/checkout-api:v1.2.1',
            },
          ],
          env: { added: ['ORDERS_TABLE'], removed: ['FEATURE_FLAGS_URL'], changed: ['DB_PASSWORD'] },
          resources: [{ container: 'checkout-api', field: 'limits.memory', target: '512Mi', failed: '384Mi' }],
          probes: [],
          configHashes: [{ field: 'checksum/config', target: '3f2a9c1e0b7d4e5f', failed: '9c0d1e2f3a4b5c6d' }],
          configRefs: { added: [], removed: ['configMap/feature-flags'] },
        },
      ],
    },
  },
  { migrations: [{ id: '20261120_orders_v2', reversible: true, destructive: false, mayLoseData: false }], incident: INCIDENT },
);
