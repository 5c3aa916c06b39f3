// Valid domain objects with sensible defaults; a test states only what it is about via overrides.
import type { Actor, Deployment, RollbackPlan, Run, Step, StepAction, TimelineEvent } from '../../src/core/model.js';

export const T0 = '2026-11-20T10:00:00.000Z';

/** `T0` plus `minutes`, as the ISO string a Clock would produce. */
export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

export function makeActor(overrides: Partial<Actor> = {}): Actor {
  return { kind: 'slack_user', id: 'U0REQUEST', name: 'alice', ...overrides };
}

export function makeDeployment(overrides: Partial<Deployment> = {}): Deployment {
  const version = overrides.version ?? 'v1.2.1';
  return {
    id: 'deploy-12345',
    service: 'checkout',
    environment: 'production',
    version,
    gitSha: '9f1c2e7',
    status: 'succeeded',
    createdAt: '2026-11-20T10:30:00.000Z',
    createdBy: 'ci',
    components: {
      'checkout-api': { image: `registry.example/checkout-api:${version}`, replicas: 3 },
      'checkout-worker': { image: `registry.example/checkout-worker:${version}`, replicas: 2 },
    },
    migrations: [{ id: '20261120_add_index', reversible: true, destructive: false, mayLoseData: false }],
    verification: { smoke: true, acceptance: true, security: true, performance: true },
    ...overrides,
  };
}

/** A rollout_undo step; pass a whole other action (e.g. `{ kind: 'scale', replicas: 3, waitReady: true }`) to change its kind. */
export function makeStep(overrides: Partial<Omit<Step, 'kind'>> & Partial<StepAction> = {}): Step {
  const component = overrides.component ?? 'checkout-api';
  const base = { index: 1, component, description: `Roll ${component} back to v1.2.0`, expectedSeconds: 60 };
  const action: StepAction = { kind: 'rollout_undo', target: { image: `registry.example/${component}:v1.2.0`, revision: 4 } };
  return { ...base, ...action, ...overrides } as Step;
}

export function makePlan(overrides: Partial<RollbackPlan> = {}): RollbackPlan {
  return {
    service: 'checkout',
    environment: 'production',
    failedDeploymentId: 'deploy-12345',
    targetDeploymentId: 'deploy-12300',
    fromVersion: 'v1.2.1',
    toVersion: 'v1.2.0',
    reason: 'error rate above 5% after deploy',
    strategy: 'full',
    components: ['checkout-api', 'checkout-worker'],
    checks: [
      { id: 'migrations', outcome: 'pass', message: 'No irreversible migration between the versions.' },
      { id: 'capacity', outcome: 'warn', message: 'checkout-worker has 1 of 2 replicas ready.' },
    ],
    risk: 'MEDIUM',
    requiredApprovals: 1,
    steps: [makeStep(), makeStep({ index: 2, component: 'checkout-worker' })],
    dryRun: false,
    createdAt: T0,
    expiresAt: at(15),
    fingerprint: '0123456789abcdef',
    ...overrides,
  };
}

/** A run awaiting approval unless told otherwise; `plan` overrides merge into the default plan. */
export function makeRun(overrides: Omit<Partial<Run>, 'plan'> & { plan?: Partial<RollbackPlan> } = {}): Run {
  const { plan, ...rest } = overrides;
  return {
    id: 'run-1',
    status: 'awaiting_approval',
    plan: makePlan(plan),
    requestedBy: makeActor(),
    channel: 'C0INCIDENTS',
    approvals: [],
    stepResults: [],
    createdAt: T0,
    updatedAt: T0,
    ...rest,
  };
}

export function makeEvent(overrides: Partial<TimelineEvent> = {}): TimelineEvent {
  return { runId: 'run-1', at: at(1), actor: makeActor(), type: 'requested', detail: 'v1.2.1 → v1.2.0, risk MEDIUM', ...overrides };
}
