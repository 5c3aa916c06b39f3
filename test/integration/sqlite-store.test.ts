import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import type { Deployment, Run, RunStatus } from '../../src/core/model.js';
import { at, makeActor, makeDeployment, makeEvent, makeRun, T0 } from '../support/builders.js';

let dir: string;
let file: string;
const opened: SqliteStore[] = [];

function open(): SqliteStore {
  const store = SqliteStore.open(file);
  opened.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-sqlite-'));
  file = join(dir, 'smartspec.db');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('deployments', () => {
  it('round-trips a deployment', async () => {
    const store = open();
    const d = makeDeployment();
    expect(await store.saveDeployment(d)).toBe('created');
    expect(await store.getDeployment(d.id)).toEqual(d);
    expect(await store.getDeployment('deploy-unknown')).toBeUndefined();
  });

  it('says identical for the same body again, whatever its key order or timestamp spelling', async () => {
    const store = open();
    const d = makeDeployment({ createdAt: '2026-11-20T11:30:00+01:00' });
    expect(await store.saveDeployment(d)).toBe('created');
    const sameButReordered: Deployment = {
      verification: { performance: true, security: true, acceptance: true, smoke: true },
      migrations: d.migrations.map(({ mayLoseData, destructive, reversible, id }) => ({ mayLoseData, destructive, reversible, id })),
      components: Object.fromEntries(Object.entries(d.components).reverse().map(([name, { replicas, image }]) => [name, { replicas, image }])),
      createdBy: d.createdBy, createdAt: '2026-11-20T10:30:00Z', status: d.status, gitSha: d.gitSha,
      version: d.version, environment: d.environment, service: d.service, id: d.id,
    };
    expect(JSON.stringify(sameButReordered)).not.toBe(JSON.stringify(d));
    expect(await store.saveDeployment(sameButReordered)).toBe('identical');
    expect((await store.getDeployment(d.id))?.createdAt).toBe('2026-11-20T10:30:00.000Z');
  });

  it('says conflict for a different body under the same id and writes nothing', async () => {
    const store = open();
    const d = makeDeployment();
    await store.saveDeployment(d);
    expect(await store.saveDeployment({ ...d, version: 'v9.9.9' })).toBe('conflict');
    expect(await store.saveDeployment({ ...d, components: {} })).toBe('conflict');
    expect(await store.getDeployment(d.id)).toEqual(d);
    expect(await store.listDeployments(d.service, d.environment, 10)).toEqual([d]);
  });

  it('rejects a createdAt that is not a timestamp', async () => {
    const store = open();
    await expect(store.saveDeployment(makeDeployment({ createdAt: 'yesterday' }))).rejects.toThrow(/createdAt is not a valid timestamp/);
    expect(await store.getDeployment('deploy-12345')).toBeUndefined();
  });

  it('lists newest first, for one service and environment, up to the limit', async () => {
    const store = open();
    const times = ['2026-11-20T09:00:00.000Z', '2026-11-20T12:00:00.000Z', '2026-11-19T23:00:00.000Z', '2026-11-20T10:00:00.000Z'];
    for (const [i, createdAt] of times.entries()) await store.saveDeployment(makeDeployment({ id: `d-${i}`, version: `v1.${i}`, createdAt }));
    await store.saveDeployment(makeDeployment({ id: 'other-service', service: 'search', createdAt: '2026-11-21T00:00:00.000Z' }));
    await store.saveDeployment(makeDeployment({ id: 'other-env', environment: 'staging', createdAt: '2026-11-21T00:00:00.000Z' }));
    // An offset that sorts wrongly as text must still sort by instant once stored.
    await store.saveDeployment(makeDeployment({ id: 'offset', createdAt: '2026-11-20T12:30:00+02:00' }));

    const all = await store.listDeployments('checkout', 'production', 100);
    expect(all.map((d) => d.id)).toEqual(['d-1', 'offset', 'd-3', 'd-0', 'd-2']);
    expect((await store.listDeployments('checkout', 'production', 2)).map((d) => d.id)).toEqual(['d-1', 'offset']);
    expect(await store.listDeployments('checkout', 'nowhere', 10)).toEqual([]);
  });

  it('marks a deployment rolled back without changing what counts as its recorded body', async () => {
    const store = open();
    const d = makeDeployment({ status: 'succeeded' });
    await store.saveDeployment(d);
    await store.createRun(makeRun(), makeEvent());
    await store.markRolledBack(d.id, 'run-1');
    expect((await store.getDeployment(d.id))?.status).toBe('rolled_back');
    expect((await store.listDeployments(d.service, d.environment, 1))[0]?.status).toBe('rolled_back');
    expect(await store.saveDeployment(d)).toBe('identical');
    await expect(store.markRolledBack(d.id, 'run-unknown')).rejects.toThrow(/run run-unknown does not exist/);
  });
});

function fullRun(): Run {
  return makeRun({
    status: 'verifying',
    message: { channel: 'C0INCIDENTS', ts: '1763632800.000100' },
    approvals: [{ userId: 'U0BOB', at: at(2) }, { userId: 'U0CAROL', at: at(3) }],
    stepResults: [
      { index: 1, status: 'done', startedAt: at(4), finishedAt: at(5), detail: 'checkout-api rolled back to revision 4' },
      { index: 2, status: 'running', startedAt: at(5), detail: 'rolling back checkout-worker' },
    ],
    verification: {
      phase: 'Failed', startedAt: at(6), finishedAt: at(7),
      checks: [{ name: 'http checkout', phase: 'failed', measured: '503', threshold: '200', durationMs: 41, detail: 'HTTP 503' }],
    },
    rootCause: {
      causes: [{ summary: 'v1.2.1 crashes at start', confidence: 'high', evidence: ['CrashLoopBackOff on 3 pods'] }],
      pods: [{ name: 'checkout-api-7d9f', component: 'checkout-api', image: 'registry.example/checkout-api:v1.2.1', phase: 'Running', ready: false, restarts: 5, lastExitCode: 1 }],
      warnings: [{ object: 'Pod/checkout-api-7d9f', reason: 'BackOff', message: 'Back-off restarting failed container', count: 12 }],
      lastLogLines: [{ pod: 'checkout-api-7d9f', container: 'api', lines: ['panic: nil map'] }],
    },
    updatedAt: at(7),
  });
}

describe('runs', () => {
  it('round-trips a full run and its first timeline event', async () => {
    const store = open();
    const run = fullRun();
    const event = makeEvent({ at: T0 });
    await store.createRun(run, event);
    expect(await store.getRun(run.id)).toEqual(run);
    expect(await store.timeline(run.id)).toEqual([event]);
    expect(await store.getRun('run-unknown')).toBeUndefined();
  });

  it('refuses to create the same run twice', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    await expect(store.createRun(makeRun({ channel: 'C0OTHER' }), makeEvent())).rejects.toThrow(/run run-1 already exists/);
    expect((await store.getRun('run-1'))?.channel).toBe('C0INCIDENTS');
    expect(await store.timeline('run-1')).toHaveLength(1);
  });

  it('stores the message, step results (upserted by index), verification and root cause', async () => {
    const store = open();
    const full = fullRun();
    await store.createRun(makeRun(), makeEvent());
    await store.setMessage('run-1', full.message!);
    await store.saveStepResult('run-1', { index: 2, status: 'running', startedAt: at(5), detail: 'first' });
    for (const result of full.stepResults) await store.saveStepResult('run-1', result);
    await store.saveVerification('run-1', full.verification!);
    await store.saveRootCause('run-1', full.rootCause!);
    const run = await store.getRun('run-1');
    expect(run).toEqual({ ...full, status: 'awaiting_approval', approvals: [] });
  });

  it('throws instead of losing a write to a run that does not exist', async () => {
    const store = open();
    await expect(store.setMessage('nope', { channel: 'C', ts: '1' })).rejects.toThrow(/run nope does not exist/);
    await expect(store.saveStepResult('nope', fullRun().stepResults[0]!)).rejects.toThrow(/run nope does not exist/);
    await expect(store.saveVerification('nope', fullRun().verification!)).rejects.toThrow(/run nope does not exist/);
    await expect(store.appendTimeline(makeEvent({ runId: 'nope' }))).rejects.toThrow(/run nope does not exist/);
  });

  it('keeps the timeline in insertion order, even when timestamps disagree', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent({ at: at(5) }));
    await store.appendTimeline(makeEvent({ at: at(1), type: 'refused', detail: 'not an approver', actor: makeActor({ id: 'U0EVE' }) }));
    await store.appendTimeline(makeEvent({ at: at(3), type: 'note', detail: 'third', actor: makeActor({ kind: 'system', id: 'smartspec-rollback', name: undefined }) }));
    expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'refused', 'note']);
    expect(await store.timeline('run-unknown')).toEqual([]);
  });
});

describe('transition', () => {
  it('is a compare-and-set: the right source wins once, then loses; the loser leaves no timeline row', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    const approved = makeEvent({ type: 'approved', at: at(2) });
    expect(await store.transition('run-1', ['awaiting_approval'], 'approved', approved)).toBe(true);
    expect(await store.transition('run-1', ['awaiting_approval'], 'approved', approved)).toBe(false);
    expect(await store.transition('run-1', ['awaiting_approval'], 'rejected', makeEvent({ type: 'rejected' }))).toBe(false);
    const run = await store.getRun('run-1');
    expect(run?.status).toBe('approved');
    expect(run?.updatedAt).toBe(at(2));
    expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'approved']);
  });

  it('accepts any of several sources', async () => {
    const store = open();
    await store.createRun(makeRun({ status: 'verifying' }), makeEvent());
    expect(await store.transition('run-1', ['executing', 'verifying'], 'failed', makeEvent({ type: 'failed' }))).toBe(true);
    expect((await store.getRun('run-1'))?.status).toBe('failed');
  });

  it('returns false for a run that does not exist', async () => {
    const store = open();
    expect(await store.transition('nope', ['awaiting_approval'], 'approved', makeEvent({ runId: 'nope' }))).toBe(false);
  });

  it('lets exactly one of 20 concurrent callers win', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.transition('run-1', ['awaiting_approval'], i % 2 ? 'approved' : 'rejected', makeEvent({ type: `click-${i}` }))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.timeline('run-1')).toHaveLength(2);
  });

  it('lets exactly one of two stores on the same file win, as two processes would', async () => {
    const a = open();
    const b = open();
    await a.createRun(makeRun(), makeEvent());
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).transition('run-1', ['awaiting_approval'], 'approved', makeEvent({ type: `click-${i}` }))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await a.getRun('run-1'))?.status).toBe('approved');
    expect(await b.timeline('run-1')).toHaveLength(2);
  });

  it('throws on a move the run machine forbids, writing nothing', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    const illegal: Array<[RunStatus[], RunStatus]> = [
      [['awaiting_approval'], 'executing'],
      [['succeeded'], 'failed'],
      [['approved', 'awaiting_approval'], 'executing'],
      [['approved'], 'approved'],
      [[], 'approved'],
    ];
    for (const [from, to] of illegal) {
      await expect(store.transition('run-1', from, to, makeEvent())).rejects.toThrow(/Illegal run transition/);
    }
    expect((await store.getRun('run-1'))?.status).toBe('awaiting_approval');
    expect(await store.timeline('run-1')).toHaveLength(1);
  });

  it('throws when the event belongs to another run', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    await expect(store.transition('run-1', ['awaiting_approval'], 'approved', makeEvent({ runId: 'run-2' }))).rejects.toThrow(/Timeline event for run run-2/);
  });
});

describe('approvals', () => {
  it('records an approval once per user, in time order, with a timeline event each', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    const approve = (userId: string, minute: number) =>
      store.addApproval('run-1', { userId, at: at(minute) }, makeEvent({ type: 'approval', at: at(minute), actor: makeActor({ id: userId }) }));
    expect(await approve('U0CAROL', 3)).toBe(true);
    expect(await approve('U0BOB', 2)).toBe(true);
    expect(await approve('U0BOB', 4)).toBe(false);
    const run = await store.getRun('run-1');
    expect(run?.approvals).toEqual([{ userId: 'U0BOB', at: at(2) }, { userId: 'U0CAROL', at: at(3) }]);
    expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'approval', 'approval']);
  });

  it('records nothing once the run is no longer awaiting approval', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    await store.transition('run-1', ['awaiting_approval'], 'rejected', makeEvent({ type: 'rejected' }));
    expect(await store.addApproval('run-1', { userId: 'U0BOB', at: at(2) }, makeEvent({ type: 'approval' }))).toBe(false);
    expect(await store.addApproval('nope', { userId: 'U0BOB', at: at(2) }, makeEvent({ runId: 'nope' }))).toBe(false);
    expect((await store.getRun('run-1'))?.approvals).toEqual([]);
    expect(await store.timeline('run-1')).toHaveLength(2);
  });
});

describe('the per-service lock', () => {
  it('lets one active run per service and environment exist, atomically', async () => {
    const store = open();
    const outcomes = await Promise.all(['x1', 'x2', 'x3'].map((id) => store.createRun(makeRun({ id, status: 'awaiting_approval' }), makeEvent({ runId: id }))));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'locked')).toHaveLength(2);
    const winner = ['x1', 'x2', 'x3'][outcomes.indexOf('created')];
    expect((await store.activeRunFor('checkout', 'production'))?.id).toBe(winner);
    expect(await store.getRun(['x1', 'x2', 'x3'].find((id) => id !== winner) ?? '')).toBeUndefined();
  });

  it('frees the service when the active run ends, and never locks blocked, planned or other services', async () => {
    const store = open();
    expect(await store.createRun(makeRun({ id: 'a', status: 'executing' }), makeEvent({ runId: 'a' }))).toBe('created');
    expect(await store.createRun(makeRun({ id: 'blocked', status: 'blocked' }), makeEvent({ runId: 'blocked' }))).toBe('created');
    expect(await store.createRun(makeRun({ id: 'dry', status: 'planned' }), makeEvent({ runId: 'dry' }))).toBe('created');
    expect(await store.createRun(makeRun({ id: 's', plan: { service: 'search' } }), makeEvent({ runId: 's' }))).toBe('created');
    expect(await store.createRun(makeRun({ id: 'b' }), makeEvent({ runId: 'b' }))).toBe('locked');
    await store.transition('a', ['executing'], 'failed', makeEvent({ runId: 'a' }));
    expect(await store.createRun(makeRun({ id: 'b' }), makeEvent({ runId: 'b' }))).toBe('created');
  });
});

describe('queries', () => {
  it('finds the active run of a service, newest first, ignoring closed runs and other services', async () => {
    const store = open();
    await store.createRun(makeRun({ id: 'old', status: 'succeeded', createdAt: at(0) }), makeEvent({ runId: 'old' }));
    expect(await store.activeRunFor('checkout', 'production')).toBeUndefined();
    await store.createRun(makeRun({ id: 'a', status: 'executing', createdAt: at(1) }), makeEvent({ runId: 'a' }));
    await store.createRun(makeRun({ id: 'c', status: 'planned', createdAt: at(3) }), makeEvent({ runId: 'c' }));
    await store.createRun(makeRun({ id: 'other', plan: { service: 'search' }, createdAt: at(4) }), makeEvent({ runId: 'other' }));
    expect((await store.activeRunFor('checkout', 'production'))?.id).toBe('a');
    expect((await store.activeRunFor('search', 'production'))?.id).toBe('other');
    expect(await store.activeRunFor('checkout', 'staging')).toBeUndefined();
  });

  it('lists runs in the given statuses, oldest first', async () => {
    const store = open();
    const statuses: RunStatus[] = ['verifying', 'succeeded', 'approved', 'executing', 'interrupted'];
    for (const [i, status] of statuses.entries()) {
      await store.createRun(makeRun({ id: `r${i}`, status, createdAt: at(i), plan: { service: `svc-${i}` } }), makeEvent({ runId: `r${i}` }));
    }
    const inFlight = await store.runsInStatus(['approved', 'executing', 'verifying']);
    expect(inFlight.map((r) => [r.id, r.status])).toEqual([['r0', 'verifying'], ['r2', 'approved'], ['r3', 'executing']]);
    expect(await store.runsInStatus([])).toEqual([]);
  });
});
