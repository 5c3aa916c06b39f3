// HelmProvider against the fake `helm` executable (test/fixtures/bin/helm): the exact argv it runs,
// how history becomes state, plans and deployments, idempotent rollbacks, dry runs and verification.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HelmProvider } from '../../src/adapters/helm/helm-provider.js';
import type { Run, Step } from '../../src/core/model.js';
import { checkPendingRelease } from '../../src/core/safety.js';
import type { HelmTarget, Service } from '../../src/core/service.js';
import { planSteps } from '../../src/core/steps.js';
import { makeDeployment, makeRun } from '../support/builders.js';
import { makeService } from '../support/services.js';

const BIN = fileURLToPath(new URL('../fixtures/bin/', import.meta.url));
const FAKE_HELM = join(BIN, 'helm');
const clock = { now: () => new Date() };
const never = () => new AbortController().signal;

interface FakeRevision {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}
interface FakeState {
  hang?: boolean;
  releases: Array<{ name: string; namespace: string; rollbackError?: string; revisions: FakeRevision[] }>;
}

function history(): FakeRevision[] {
  return [
    {
      revision: 1,
      updated: '2026-11-18T09:00:00.123456789+01:00',
      status: 'superseded',
      chart: 'checkout-1.4.0',
      app_version: '1.4.0',
      description: 'Install complete',
    },
    {
      revision: 2,
      updated: '2026-11-19T09:00:00.5+01:00',
      status: 'superseded',
      chart: 'checkout-1.4.1',
      app_version: '1.4.1',
      description: 'Upgrade complete',
    },
    {
      revision: 3,
      updated: '2026-11-20T09:00:00Z',
      status: 'superseded',
      chart: 'checkout-1.4.2',
      app_version: '1.4.2',
      description: 'Upgrade complete',
    },
    {
      revision: 4,
      updated: '2026-11-20T10:30:00.000000001Z',
      status: 'deployed',
      chart: 'checkout-1.5.0',
      app_version: '1.5.0',
      description: 'Upgrade complete',
    },
  ];
}

let dir: string;
let statePath: string;
let logPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'helm-provider-'));
  statePath = join(dir, 'state.json');
  logPath = join(dir, 'helm.log');
  writeState({ releases: [{ name: 'checkout', namespace: 'shop', revisions: history() }] });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeState(state: FakeState): void {
  writeFileSync(statePath, JSON.stringify(state, null, 2));
}
function readState(): FakeState {
  return JSON.parse(readFileSync(statePath, 'utf8')) as FakeState;
}
function invocations(): string[][] {
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return [];
  }
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
}
function rollbacks(): string[][] {
  return invocations().filter((argv) => argv[0] === 'rollback');
}

function provider(options: Partial<ConstructorParameters<typeof HelmProvider>[0]> = {}): HelmProvider {
  return new HelmProvider({
    helmBinary: FAKE_HELM,
    clock,
    env: { FAKE_HELM_LOG: logPath, FAKE_HELM_STATE: statePath },
    killGraceMs: 300,
    ...options,
  });
}

function helmService(overrides: Partial<HelmTarget> = {}): Service {
  return makeService({ target: { kind: 'helm', release: 'checkout', namespace: 'shop', timeoutSeconds: 300, ...overrides } });
}

function helmStep(revision = 3, release = 'checkout'): Step {
  return {
    index: 1,
    component: release,
    description: `helm rollback ${release} ${revision}`,
    expectedSeconds: 120,
    kind: 'helm_rollback',
    release,
    revision,
  };
}

/** Created before any rollback the fake helm records (it stamps them with the real time). */
function helmRun(step = helmStep()): Run {
  return makeRun({
    id: 'rb-helm1',
    status: 'executing',
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    plan: { steps: [step], toVersion: '1.4.2', fromVersion: '1.5.0', components: ['checkout'] },
  });
}

describe('HelmProvider.currentState', () => {
  it('runs `helm history -o json` and reads the release as one component, newest revision first', async () => {
    const state = await provider().currentState(helmService(), never());

    expect(invocations()).toEqual([['history', 'checkout', '-n', 'shop', '-o', 'json', '--max', '50']]);
    expect(state.components).toHaveLength(1);
    const [release] = state.components;
    expect(release).toMatchObject({ name: 'checkout', images: ['1.5.0', 'checkout-1.5.0'], revision: 4, rolloutInProgress: false });
    expect(release!.pendingOperation).toBeUndefined();
    expect(release!.history.map((h) => h.revision)).toEqual([4, 3, 2, 1]);
    expect(release!.history[1]).toEqual({ revision: 3, images: ['1.4.2', 'checkout-1.4.2'], createdAt: '2026-11-20T09:00:00.000Z' });
    // RFC 3339 with nanoseconds and an offset, as helm prints it, becomes UTC ISO.
    expect(release!.history[3]!.createdAt).toBe('2026-11-18T08:00:00.123Z');
  });

  it('passes the kube context and kubeconfig when the catalog and the options name them', async () => {
    await provider({ kubeconfig: '/etc/smartspec/kubeconfig' }).currentState(helmService({ context: 'prod' }), never());

    expect(invocations()).toEqual([
      ['history', 'checkout', '-n', 'shop', '--kube-context', 'prod', '--kubeconfig', '/etc/smartspec/kubeconfig', '-o', 'json', '--max', '50'],
    ]);
  });

  it('gives the planner what it needs to find the target revision by app version or by chart', async () => {
    const service = helmService();
    const state = await provider().currentState(service, never());

    const byVersion = planSteps(service, makeDeployment({ version: '1.4.2', components: {} }), state, undefined);
    expect(byVersion.steps[0]).toMatchObject({ kind: 'helm_rollback', release: 'checkout', revision: 3 });
    const byChart = planSteps(
      service,
      makeDeployment({ version: 'v1.4.1', components: { checkout: { image: 'checkout-1.4.1' } } }),
      state,
      undefined,
    );
    expect(byChart.steps[0]).toMatchObject({ kind: 'helm_rollback', revision: 2 });
  });

  it('detects a release stuck in pending-upgrade, and the plan is blocked', async () => {
    const revisions = history();
    revisions.push({
      revision: 5,
      updated: '2026-11-20T11:00:00Z',
      status: 'pending-upgrade',
      chart: 'checkout-1.5.1',
      app_version: '1.5.1',
      description: 'Preparing upgrade',
    });
    writeState({ releases: [{ name: 'checkout', namespace: 'shop', revisions }] });
    const service = helmService();
    const state = await provider().currentState(service, never());

    expect(state.components[0]).toMatchObject({ pendingOperation: 'pending-upgrade', rolloutInProgress: true, revision: 5 });
    const check = checkPendingRelease({ service, state, failed: makeDeployment(), target: makeDeployment(), undone: [], activeRun: undefined });
    expect(check?.outcome).toBe('block');
  });

  it('reports an unknown release as no component, and fails loudly when helm itself fails', async () => {
    expect(await provider().currentState(helmService({ release: 'payments' }), never())).toEqual({ components: [] });
    await expect(provider({ helmBinary: join(dir, 'no-helm') }).currentState(helmService(), never())).rejects.toThrow(/could not start \(ENOENT\)/);
    writeFileSync(statePath, 'not json');
    await expect(provider().currentState(helmService(), never())).rejects.toThrow(/`helm history checkout -n shop -o json --max 50` exit 1/);
  });

  it('finds helm on PATH by default', async () => {
    const state = await new HelmProvider({
      clock,
      env: { PATH: `${BIN}:${process.env['PATH'] ?? ''}`, FAKE_HELM_STATE: statePath, FAKE_HELM_LOG: logPath },
    }).currentState(helmService(), never());

    expect(state.components[0]?.revision).toBe(4);
  });
});

describe('HelmProvider.execute', () => {
  it('rolls back with the exact argv, waits, and records the new revision', async () => {
    const result = await provider().execute(helmRun(), helmStep(3), helmService(), never());

    expect(rollbacks()).toEqual([['rollback', 'checkout', '3', '-n', 'shop', '--wait', '--timeout', '300s']]);
    expect(result.status).toBe('done');
    expect(result.detail).toMatch(/^`helm rollback checkout 3 -n shop --wait --timeout 300s` exit 0 \(\d+\.\d s\)\n/);
    expect(result.detail).toContain('release checkout is now at revision 5 (deployed: checkout-1.4.2, app 1.4.2)');
    expect(result.detail).toContain('Rollback was a success! Happy Helming!');
    const revisions = readState().releases[0]!.revisions;
    expect(revisions.at(-1)).toMatchObject({
      revision: 5,
      status: 'deployed',
      app_version: '1.4.2',
      chart: 'checkout-1.4.2',
      description: 'Rollback to 3',
    });
    expect(revisions.find((r) => r.revision === 4)?.status).toBe('superseded');
  });

  it('does not roll back a second time for the same run', async () => {
    const helm = provider();
    const run = helmRun();
    await helm.execute(run, helmStep(3), helmService(), never());
    const again = await helm.execute(run, helmStep(3), helmService(), never());

    expect(again.status).toBe('done');
    expect(again.detail).toMatch(/^already rolled back to revision 3 \(revision 5, deployed .*\): not rolled back again$/);
    expect(rollbacks()).toHaveLength(1);
    expect(readState().releases[0]!.revisions).toHaveLength(5);
  });

  it('refuses to roll back a release another operation holds, without calling rollback', async () => {
    const revisions = history();
    revisions.push({
      revision: 5,
      updated: '2026-11-20T11:00:00Z',
      status: 'pending-upgrade',
      chart: 'checkout-1.5.1',
      app_version: '1.5.1',
      description: 'Preparing upgrade',
    });
    writeState({ releases: [{ name: 'checkout', namespace: 'shop', revisions }] });
    const result = await provider().execute(helmRun(), helmStep(3), helmService(), never());

    expect(result.status).toBe('failed');
    expect(result.detail).toContain(
      'release checkout is stuck in pending-upgrade (revision 5, since 2026-11-20T11:00:00.000Z): another Helm operation holds it',
    );
    expect(rollbacks()).toEqual([]);
  });

  it("fails with helm's own error, secrets scrubbed", async () => {
    writeState({
      releases: [
        {
          name: 'checkout',
          namespace: 'shop',
          rollbackError: 'timed out waiting for the condition (registry token=s3cr3t-value)',
          revisions: history(),
        },
      ],
    });
    const result = await provider().execute(helmRun(), helmStep(3), helmService(), never());

    expect(result.status).toBe('failed');
    expect(result.detail).toMatch(/` exit 1 \(\d+\.\d s\)\n/);
    expect(result.detail).toContain('release checkout is now at revision 5 (failed: checkout-1.4.2, app 1.4.2)');
    expect(result.detail).toContain('Error: timed out waiting for the condition (registry token=[redacted]');
    expect(result.detail).not.toContain('s3cr3t');
  });

  it('refuses to "roll back" to the current revision, which would change nothing but report success', async () => {
    // A values-only upgrade: the failed revision has the target's chart and app version.
    const revisions = history();
    revisions.push({
      revision: 5,
      updated: '2026-11-20T11:00:00Z',
      status: 'deployed',
      chart: 'checkout-1.5.0',
      app_version: '1.5.0',
      description: 'Upgrade complete',
    });
    revisions[3]!.status = 'superseded';
    writeState({ releases: [{ name: 'checkout', namespace: 'shop', revisions }] });
    const result = await provider().execute(helmRun(helmStep(5)), helmStep(5), helmService(), never());

    expect(result.status).toBe('failed');
    expect(result.detail).toContain("revision 5 is the release's current revision (deployed)");
    expect(rollbacks()).toEqual([]);
  });

  it('refuses revision 0 (helm would pick "the previous one") and unknown releases', async () => {
    const zero = await provider().execute(helmRun(helmStep(0)), helmStep(0), helmService(), never());
    expect(zero).toMatchObject({ status: 'failed', detail: expect.stringContaining('refusing to guess') });
    expect(invocations()).toEqual([]);

    const service = helmService({ release: 'payments' });
    const step = helmStep(3, 'payments');
    const unknown = await provider().execute(helmRun(step), step, service, never());
    expect(unknown).toMatchObject({ status: 'failed', detail: 'helm does not know release payments in namespace shop' });
    expect(rollbacks()).toEqual([]);
  });

  it('refuses a step for another release or of another kind', async () => {
    const other = await provider().execute(helmRun(), helmStep(3, 'cart'), helmService(), never());
    expect(other.detail).toMatch(/the plan rolls back release cart, but the catalog now names checkout/);
    const command: Step = { index: 1, component: 'checkout', description: 'x', expectedSeconds: 1, kind: 'command', argv: ['x'] };
    expect((await provider().execute(helmRun(), command, helmService(), never())).detail).toBe('a command step cannot run on a Helm service');
    expect(invocations()).toEqual([]);
  });
});

describe('HelmProvider.dryRun', () => {
  it('runs `helm rollback … --dry-run` and changes nothing', async () => {
    const before = readFileSync(statePath, 'utf8');
    const result = await provider().dryRun(helmRun(), helmStep(3), helmService({ context: 'prod' }), never());

    expect(result.status).toBe('done');
    expect(result.detail).toBe(
      'helm accepted `helm rollback checkout 3 -n shop --wait --timeout 300s --kube-context prod --dry-run`; nothing was changed',
    );
    expect(rollbacks()).toEqual([['rollback', 'checkout', '3', '-n', 'shop', '--wait', '--timeout', '300s', '--kube-context', 'prod', '--dry-run']]);
    expect(readFileSync(statePath, 'utf8')).toBe(before);
  });

  it('refuses, before asking helm, to "roll back" to the current revision or onto a pending release', async () => {
    const current = await provider().dryRun(helmRun(helmStep(4)), helmStep(4), helmService(), never());
    expect(current).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining("revision 4 is the release's current revision (deployed): rolling back to it would change nothing"),
    });

    const revisions = history();
    revisions.push({
      revision: 5,
      updated: '2026-11-20T11:00:00Z',
      status: 'pending-install',
      chart: 'checkout-1.5.1',
      app_version: '1.5.1',
      description: 'Preparing',
    });
    writeState({ releases: [{ name: 'checkout', namespace: 'shop', revisions }] });
    const pending = await provider().dryRun(helmRun(), helmStep(3), helmService(), never());
    expect(pending).toMatchObject({ status: 'failed', detail: expect.stringContaining('stuck in pending-install') });
    expect(rollbacks()).toEqual([]);
  });

  it('reports what helm refuses', async () => {
    const result = await provider().dryRun(helmRun(helmStep(9)), helmStep(9), helmService(), never());

    expect(result.status).toBe('failed');
    expect(result.detail).toBe('helm would refuse this rollback: exit 1: Error: release: not found');
  });
});

describe('HelmProvider.verify', () => {
  it('passes when the newest revision is deployed with the target chart and app version', async () => {
    const helm = provider();
    const run = helmRun();
    await helm.execute(run, helmStep(3), helmService(), never());
    const verification = await helm.verify(run, helmService(), never());

    expect(verification.phase).toBe('Succeeded');
    expect(verification.checks).toEqual([
      expect.objectContaining({
        name: 'helm release checkout',
        phase: 'passed',
        measured: 'r5 deployed: checkout-1.4.2 (app 1.4.2)',
        threshold: 'deployed: checkout-1.4.2 (app 1.4.2)',
      }),
    ]);
  });

  it('fails, with the status, when the release is not back on the target', async () => {
    const notRolledBack = await provider().verify(helmRun(), helmService(), never());
    expect(notRolledBack.phase).toBe('Failed');
    expect(notRolledBack.checks[0]).toMatchObject({
      phase: 'failed',
      measured: 'r4 deployed: checkout-1.5.0 (app 1.5.0)',
      detail: expect.stringContaining('not the target'),
    });

    writeState({ releases: [{ name: 'checkout', namespace: 'shop', rollbackError: 'hook failed', revisions: history() }] });
    await provider().execute(helmRun(), helmStep(3), helmService(), never());
    const failed = await provider().verify(helmRun(), helmService(), never());
    expect(failed.phase).toBe('Failed');
    expect(failed.checks[0]).toMatchObject({ phase: 'failed', detail: 'revision 5 is failed: Rollback "checkout" failed: hook failed' });
  });

  it('turns an unreadable history into a failed check, not an exception', async () => {
    const verification = await provider({ helmBinary: join(dir, 'no-helm') }).verify(helmRun(), helmService(), never());

    expect(verification.phase).toBe('Failed');
    expect(verification.checks[0]?.detail).toMatch(/could not start \(ENOENT\)/);
  });
});

describe('HelmProvider.discoverHistory and evidence', () => {
  it('turns each revision into a deployment `<service>@r<revision>`', async () => {
    const revisions = history();
    revisions.push({
      revision: 5,
      updated: '2026-11-20T11:00:00Z',
      status: 'failed',
      chart: 'checkout-1.5.1',
      app_version: '',
      description: 'Upgrade "checkout" failed',
    });
    revisions.push({
      revision: 6,
      updated: '2026-11-20T11:05:00Z',
      status: 'uninstalled',
      chart: 'checkout-1.5.1',
      app_version: '1.5.1',
      description: 'Uninstallation complete',
    });
    writeState({ releases: [{ name: 'checkout', namespace: 'shop', revisions }] });
    const deployments = await provider().discoverHistory(helmService(), never());

    expect(deployments.map((d) => [d.id, d.version, d.status])).toEqual([
      ['checkout@r5', 'checkout-1.5.1', 'failed'],
      // deployed / superseded: installed, not proven healthy.
      ['checkout@r4', '1.5.0', 'unverified'],
      ['checkout@r3', '1.4.2', 'unverified'],
      ['checkout@r2', '1.4.1', 'unverified'],
      ['checkout@r1', '1.4.0', 'unverified'],
    ]);
    expect(deployments[2]).toEqual({
      id: 'checkout@r3',
      service: 'checkout',
      environment: 'production',
      version: '1.4.2',
      status: 'unverified',
      createdAt: '2026-11-20T09:00:00.000Z',
      createdBy: 'cluster (Helm release history)',
      components: { checkout: { image: 'checkout-1.4.2' } },
      migrations: [],
    });
    expect(await provider().discoverHistory(helmService({ release: 'payments' }), never())).toEqual([]);
  });

  it("returns empty evidence: pods and events are the Kubernetes adapter's", async () => {
    expect(await provider().evidence(helmRun(), helmService(), ['1.5.0'], never())).toEqual({
      failedImages: ['1.5.0'],
      pods: [],
      warnings: [],
      logs: [],
    });
    expect(invocations()).toEqual([]);
  });
});
