// A store that has seen a lot: thousands of recorded deployments and finished runs, written through the
// real SqliteStore with plans built by the real planner, so rows have their production size and shape.
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { newRunId } from '../../src/bot.js';
import type { Deployment, DeployState, Run, RunStatus } from '../../src/core/model.js';
import { buildPlan } from '../../src/core/plan.js';
import { evaluateSafety } from '../../src/core/safety.js';
import type { Store } from '../../src/core/ports.js';
import type { Catalog, Service } from '../../src/core/service.js';
import { CHANNEL, IMAGE, USERS } from '../../test/support/bot-harness.js';
import { createPrng } from '../../test/support/prng.js';

export const versionOf = (index: number) => `v1.${Math.floor(index / 100)}.${index % 100}`;
export const deploymentIdOf = (service: string, index: number) => `${service}-d${index}`;

export function seedDeployment(service: Service, index: number, status: Deployment['status']): Deployment {
  const components = service.target.kind === 'kubernetes' ? service.target.deployments : [service.name];
  return {
    id: deploymentIdOf(service.name, index),
    service: service.name,
    environment: service.environment,
    version: versionOf(index),
    gitSha: (0x9f1c2e7 + index).toString(16),
    status,
    createdAt: new Date(Date.UTC(2026, 0, 1) + index * 3_600_000).toISOString(),
    createdBy: 'ci',
    components: Object.fromEntries(components.map((c) => [c, { image: IMAGE(c, versionOf(index)), replicas: 1 }])),
    migrations: index % 7 === 0 ? [{ id: `m${index}`, reversible: true, destructive: false, mayLoseData: false }] : [],
    verification: { smoke: true, acceptance: true, security: true, performance: index % 3 !== 0 },
  };
}

/** What the cluster shows when `failed` is live and the two versions before it are still revisions. */
export function stateRunning(failed: Deployment, earlier: Deployment[]): DeployState {
  return {
    components: Object.entries(failed.components).map(([name, spec]) => ({
      name,
      images: [spec.image],
      revision: earlier.length + 1,
      desiredReplicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      rolloutInProgress: false,
      history: [failed, ...earlier].map((d, i) => ({ revision: earlier.length + 1 - i, images: [d.components[name]?.image ?? ''] })),
    })),
  };
}

/** A run as the bot would have recorded it, planned by the real planner, in the given final status. */
export function syntheticRun(service: Service, failed: Deployment, target: Deployment, status: RunStatus, at: Date): Run {
  const state = stateRunning(failed, [target]);
  const checks = evaluateSafety({ service, failed, target, undone: [failed], state, activeRun: undefined });
  const plan = buildPlan({ service, failed, target, state, checks, reason: `Deployment ${failed.id} failed`, dryRun: false, now: at });
  const iso = at.toISOString();
  const executed = ['succeeded', 'failed', 'interrupted'].includes(status);
  return {
    id: newRunId(),
    status,
    plan,
    requestedBy: { kind: 'slack_user', id: USERS.requester, name: 'requester' },
    channel: CHANNEL,
    message: { channel: CHANNEL, ts: `${Math.floor(at.getTime() / 1000)}.000100` },
    approvals: executed ? [{ userId: USERS.approver, at: iso }] : [],
    stepResults: executed
      ? plan.steps.map((s) => ({
          index: s.index,
          status: status === 'failed' && s.index === plan.steps.length ? ('failed' as const) : ('done' as const),
          startedAt: iso,
          finishedAt: iso,
          detail: `${s.component} rolled back`,
        }))
      : [],
    ...(status === 'succeeded'
      ? {
          verification: {
            phase: 'Succeeded' as const,
            checks: plan.steps.map((s) => ({
              name: `rollout ${s.component}`,
              phase: 'passed' as const,
              durationMs: 1200,
              detail: 'all replicas ready',
            })),
            startedAt: iso,
            finishedAt: iso,
          },
        }
      : {}),
    createdAt: iso,
    updatedAt: iso,
  };
}

const FINAL: RunStatus[] = [
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'rejected',
  'rejected',
  'failed',
  'expired',
  'cancelled',
  'interrupted',
];

/**
 * `deploymentsPerService` deployments for each service (the last one failed and live) and
 * `runsPerService` finished runs, each with the timeline a real run leaves.
 */
export async function seedStore(
  database: { path: string } | { url: string },
  catalog: Catalog,
  deploymentsPerService: number,
  runsPerService: number,
): Promise<{ deployments: number; runs: number; events: number }> {
  const store: Store = 'url' in database ? await PostgresStore.open(database.url) : SqliteStore.open(database.path);
  const prng = createPrng(4_242);
  let deployments = 0;
  let runs = 0;
  let events = 0;
  try {
    for (const service of catalog.services.values()) {
      const history: Deployment[] = [];
      for (let i = 0; i < deploymentsPerService; i++) {
        const d = seedDeployment(service, i, i === deploymentsPerService - 1 || prng.chance(0.05) ? 'failed' : 'succeeded');
        await store.saveDeployment(d);
        history.push(d);
        deployments++;
      }
      for (let r = 0; r < runsPerService; r++) {
        const k = prng.int(1, deploymentsPerService - 2);
        const status = prng.pick(FINAL);
        const at = new Date(Date.parse(history[k]!.createdAt) + 600_000);
        const run = syntheticRun(service, history[k]!, history[k - 1]!, status, at);
        const event = (type: string, detail: string) => ({
          runId: run.id,
          at: at.toISOString(),
          actor: { kind: 'system' as const, id: 'smartspec-rollback' },
          type,
          detail,
        });
        await store.createRun(run, { ...event('requested', `${run.plan.fromVersion} → ${run.plan.toVersion}`), actor: run.requestedBy });
        const trail =
          status === 'rejected'
            ? ['rejected']
            : status === 'expired'
              ? ['expired']
              : status === 'cancelled'
                ? ['approved', 'drift', 'cancelled']
                : ['approval', 'approved', 'executing', ...run.plan.steps.flatMap(() => ['step_started', 'step_done']), 'verifying', status];
        for (const type of trail) await store.appendTimeline(event(type, `${type} (seeded)`));
        runs++;
        events += trail.length + 1;
      }
    }
  } finally {
    await store.close();
  }
  return { deployments, runs, events };
}
