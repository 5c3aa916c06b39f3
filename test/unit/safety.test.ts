import { describe, expect, it } from 'vitest';
import type { ComponentState, DeployState, Migration } from '../../src/core/model.js';
import { assessRisk, requiredApprovals } from '../../src/core/risk.js';
import {
  checkActiveRun,
  checkCapacity,
  checkDrift,
  checkGitOps,
  checkMigrations,
  checkPendingRelease,
  checkRolloutInProgress,
  checkTargetAvailable,
  evaluateSafety,
  type SafetyInput,
} from '../../src/core/safety.js';
import { makeDeployment, makeRun } from '../support/builders.js';
import { makeService } from '../support/services.js';

const failed = makeDeployment({ id: 'd2', version: 'v2', createdAt: '2026-11-20T10:30:00.000Z', migrations: [] });
const target = makeDeployment({ id: 'd1', version: 'v1', createdAt: '2026-11-20T10:00:00.000Z', migrations: [] });

function component(name: string, overrides: Partial<ComponentState> = {}): ComponentState {
  return {
    name,
    images: [`registry.example/${name}:v2`],
    revision: 2,
    desiredReplicas: 3,
    readyReplicas: 3,
    updatedReplicas: 3,
    rolloutInProgress: false,
    history: [
      { revision: 2, images: [`registry.example/${name}:v2`] },
      { revision: 1, images: [`registry.example/${name}:v1`] },
    ],
    ...overrides,
  };
}

const state: DeployState = { components: [component('checkout-api'), component('checkout-worker')] };

function input(overrides: Partial<SafetyInput> = {}): SafetyInput {
  return { service: makeService(), failed, target, undone: [failed], state, activeRun: undefined, ...overrides };
}

const migration = (m: Partial<Migration>): Migration => ({ id: 'm1', reversible: true, destructive: false, mayLoseData: false, ...m });

describe('safety checks', () => {
  it.each([
    ['no migrations', [], 'pass', /No database migrations/],
    ['a reversible migration', [migration({})], 'warn', /reversible migration/],
    ['no down migration', [migration({ reversible: false })], 'block', /has no down migration/],
    ['a destructive migration', [migration({ destructive: true })], 'block', /destructive/],
    ['a migration that may lose data', [migration({ mayLoseData: true })], 'block', /may lose data/],
  ] as const)('migrations: %s → %s', (_name, migrations, outcome, message) => {
    const check = checkMigrations(input({ undone: [{ ...failed, migrations: [...migrations] }] }));
    expect(check.outcome).toBe(outcome);
    expect(check.message).toMatch(message);
  });

  it.each([
    ['runs the failed deploy', state, 'pass', /runs exactly the failed deploy/],
    [
      'runs something else',
      { components: [component('checkout-api', { images: ['registry.example/checkout-api:hotfix'] }), component('checkout-worker')] },
      'warn',
      /checkout-api runs registry.example\/checkout-api:hotfix/,
    ],
    ['misses a Deployment', { components: [component('checkout-api')] }, 'block', /checkout-worker is not in the cluster/],
  ] as const)('drift: cluster %s → %s', (_name, s, outcome, message) => {
    const check = checkDrift(input({ state: { components: [...s.components] } }));
    expect(check.outcome).toBe(outcome);
    expect(check.message).toMatch(message);
  });

  it.each([
    ['none', false, 'registry.example/checkout-api:v1.2.1', 'pass', undefined],
    ["the failed deploy's own", true, 'registry.example/checkout-api:v1.2.1', 'warn', undefined],
    ['of something else (someone is deploying)', true, 'registry.example/checkout-api:v9', 'block', true],
  ] as const)('rollout in progress: %s → %s', (_name, moving, image, outcome, overridable) => {
    const failedDeploy = makeDeployment({ version: 'v1.2.1' });
    const check = checkRolloutInProgress(
      input({ failed: failedDeploy, state: { components: [component('checkout-api', { rolloutInProgress: moving, images: [image] })] } }),
    );
    expect(check.outcome).toBe(outcome);
    expect(check.overridable).toBe(overridable);
    if (outcome === 'block') expect(check.message).toMatch(/--force/);
  });

  it('another active run blocks, naming it', () => {
    expect(checkActiveRun(input()).outcome).toBe('pass');
    const check = checkActiveRun(input({ activeRun: makeRun({ id: 'rb-other', status: 'executing' }) }));
    expect(check.outcome).toBe('block');
    expect(check.message).toContain('rb-other');
  });

  it('a target whose revision the cluster no longer keeps warns that only the image is set back', () => {
    expect(checkTargetAvailable(input())?.outcome).toBe('pass');
    const gone = { components: [component('checkout-api', { history: [{ revision: 2, images: ['registry.example/checkout-api:v2'] }] })] };
    const check = checkTargetAvailable(input({ state: gone }));
    expect(check?.outcome).toBe('warn');
    expect(check?.message).toContain('checkout-api (registry.example/checkout-api:v1)');
    expect(check?.message).toContain('only the recorded image is set back');
  });

  it('a migration that may lose data only warns when the service sets preserveDataMigrations: false', () => {
    const undone = [{ ...failed, migrations: [migration({ mayLoseData: true })] }];
    expect(checkMigrations(input({ undone })).outcome).toBe('block');
    const relaxed = checkMigrations(input({ undone, service: makeService({ preserveDataMigrations: false }) }));
    expect(relaxed.outcome).toBe('warn');
    expect(relaxed.message).toContain('Back up first');
  });

  it.each([
    ['runs as many replicas as the target did', 3, undefined],
    ['runs fewer replicas than the target did', 2, 'warn'],
    ['runs under half the replicas the target did', 1, 'block'],
  ] as const)('capacity: %s', (_name, desired, outcome) => {
    const t = { ...target, components: { 'checkout-api': { image: 'registry.example/checkout-api:v1', replicas: 3 } } };
    expect(checkCapacity(input({ target: t, state: { components: [component('checkout-api', { desiredReplicas: desired })] } }))?.outcome).toBe(
      outcome,
    );
  });

  it('capacity never blocks a blue-green service: its plan warms the idle side to full size first', () => {
    const blueGreen = makeService({
      target: {
        kind: 'kubernetes',
        namespace: 'shop',
        deployments: ['checkout-api', 'checkout-worker'],
        core: [],
        blueGreen: { service: 'checkout', label: 'slot' },
      },
    });
    const t = { ...target, components: { 'checkout-api': { image: 'registry.example/checkout-api:v1', replicas: 3 } } };
    expect(
      checkCapacity(input({ service: blueGreen, target: t, state: { components: [component('checkout-api', { desiredReplicas: 0 })] } }))?.outcome,
    ).toBe('warn');
  });

  it.each([
    [undefined, undefined],
    [{ tool: 'Argo CD' as const, app: 'checkout-prod' }, /Argo CD app checkout-prod[\s\S]*Suspend auto-sync/],
    [{ tool: 'Flux' as const, app: 'checkout' }, /Flux app checkout/],
  ])('GitOps owner %j', (gitOps, message) => {
    const check = checkGitOps(input({ state: { components: [component('checkout-api', gitOps ? { gitOps } : {})] } }));
    if (!message) expect(check).toBeUndefined();
    else {
      // Git would undo the rollback: a blocker, which --force may override once auto-sync is suspended.
      expect(check).toMatchObject({ outcome: 'block', overridable: true });
      expect(check?.message).toMatch(message);
    }
  });

  it('a Helm release stuck in pending-* blocks, with the fix', () => {
    expect(checkPendingRelease(input())).toBeUndefined();
    const check = checkPendingRelease(input({ state: { components: [component('checkout', { pendingOperation: 'pending-upgrade' })] } }));
    expect(check).toMatchObject({ outcome: 'block' });
    expect(check?.message).toContain('stuck in pending-upgrade');
  });

  it('evaluates every check that applies', () => {
    expect(evaluateSafety(input()).map((c) => c.id)).toEqual(['migrations', 'drift', 'rollout_in_progress', 'active_run', 'target_available']);
  });
});

describe('risk', () => {
  const pass = { id: 'x', outcome: 'pass' as const, message: '' };
  it.each([
    [[pass], 'LOW'],
    [[pass, { id: 'rollout_in_progress', outcome: 'warn' as const, message: '' }], 'MEDIUM'],
    [[{ id: 'migrations', outcome: 'warn' as const, message: '' }], 'HIGH'],
    [[{ id: 'drift', outcome: 'warn' as const, message: '' }], 'HIGH'],
    [[{ id: 'target_suspect', outcome: 'warn' as const, message: '' }], 'HIGH'],
    [[{ id: 'target_unverified', outcome: 'warn' as const, message: '' }], 'HIGH'],
    [[{ id: 'target_verification', outcome: 'warn' as const, message: '' }], 'MEDIUM'],
    [[{ id: 'gitops', outcome: 'warn' as const, message: '', forced: true }], 'CRITICAL'],
    [[{ id: 'active_run', outcome: 'block' as const, message: '' }], 'CRITICAL'],
  ])('%j → %s', (checks, risk) => {
    expect(assessRisk(checks)).toBe(risk);
  });

  it('high risk needs highRiskRequired approvals', () => {
    const policy = makeService().approvals;
    expect(requiredApprovals('LOW', policy)).toBe(1);
    expect(requiredApprovals('MEDIUM', policy)).toBe(1);
    expect(requiredApprovals('HIGH', policy)).toBe(2);
    expect(requiredApprovals('CRITICAL', policy)).toBe(2);
  });
});

it('does not block a command-deployed service on drift it cannot see, and says drift was not checked', () => {
  const service = makeService({ target: { kind: 'command', rollback: ['./rollback.sh'], timeoutSeconds: 60 } });
  const check = checkDrift(input({ service, state: { components: [] } }));
  expect(check.outcome).toBe('warn');
  expect(check.message).toContain('drift was not checked');
});
