// Runs, transitions, approvals, the per-service lock and the queries: one contract, run against
// every store implementation.
import { describe, expect, it } from 'vitest';
import type { Run, RunStatus } from '../../../src/core/model.js';
import { at, makeActor, makeEvent, makeRun, T0 } from '../builders.js';
import type { StoreHarness } from './store-harness.js';

export function describeRunContract(name: string, h: StoreHarness): void {
  function fullRun(): Run {
    return makeRun({
      status: 'verifying',
      message: { channel: 'C0INCIDENTS', ts: '1763632800.000100' },
      approvals: [
        { userId: 'U0BOB', at: at(2) },
        { userId: 'U0CAROL', at: at(3) },
      ],
      stepResults: [
        { index: 1, status: 'done', startedAt: at(4), finishedAt: at(5), detail: 'checkout-api rolled back to revision 4' },
        { index: 2, status: 'running', startedAt: at(5), detail: 'rolling back checkout-worker' },
      ],
      verification: {
        phase: 'Failed',
        startedAt: at(6),
        finishedAt: at(7),
        checks: [{ name: 'http checkout', phase: 'failed', measured: '503', threshold: '200', durationMs: 41, detail: 'HTTP 503' }],
      },
      rootCause: {
        causes: [{ summary: 'v1.2.1 crashes at start', confidence: 'high', evidence: ['CrashLoopBackOff on 3 pods'] }],
        pods: [
          {
            name: 'checkout-api-7d9f',
            component: 'checkout-api',
            image: 'registry.example/checkout-api:v1.2.1',
            phase: 'Running',
            ready: false,
            restarts: 5,
            lastExitCode: 1,
          },
        ],
        warnings: [{ object: 'Pod/checkout-api-7d9f', reason: 'BackOff', message: 'Back-off restarting failed container', count: 12 }],
        lastLogLines: [{ pod: 'checkout-api-7d9f', container: 'api', lines: ['panic: nil map'] }],
      },
      updatedAt: at(7),
    });
  }

  describe(`${name}: runs`, () => {
    it('round-trips a full run and its first timeline event', async () => {
      const store = await h.open();
      const run = fullRun();
      const event = makeEvent({ at: T0 });
      await store.createRun(run, event);
      expect(await store.getRun(run.id)).toEqual(run);
      expect(await store.timeline(run.id)).toEqual([event]);
      expect(await store.getRun('run-unknown')).toBeUndefined();
    });

    it('refuses to create the same run twice', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      await expect(store.createRun(makeRun({ channel: 'C0OTHER' }), makeEvent())).rejects.toThrow(/run run-1 already exists/);
      expect((await store.getRun('run-1'))?.channel).toBe('C0INCIDENTS');
      expect(await store.timeline('run-1')).toHaveLength(1);
    });

    it('stores the message, step results (upserted by index), verification and root cause', async () => {
      const store = await h.open();
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

    it('records a step result and its audit line in one write, and neither for a run that does not exist', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      const running = { index: 1, status: 'running' as const, startedAt: at(5), detail: 'undo checkout-api' };
      const stored = await store.saveStepResult('run-1', running, undefined, makeEvent({ type: 'step_started', at: at(5), detail: 'step 1' }));
      expect((await store.getRun('run-1'))?.stepResults).toEqual([running]);
      // It answers with the run as stored: every step result, this one replacing its earlier state.
      expect(stored).toEqual(await store.getRun('run-1'));
      await store.saveStepResult('run-1', { index: 2, status: 'running', startedAt: at(6), detail: 'undo checkout-worker' });
      const done = { ...running, status: 'done' as const, finishedAt: at(7), detail: 'rolled out' };
      expect(await store.saveStepResult('run-1', done)).toEqual(await store.getRun('run-1'));
      expect((await store.getRun('run-1'))?.stepResults.map((r) => [r.index, r.status])).toEqual([
        [1, 'done'],
        [2, 'running'],
      ]);
      expect((await store.timeline('run-1')).map((e) => [e.type, e.detail])).toEqual([
        ['requested', makeEvent().detail],
        ['step_started', 'step 1'],
      ]);
      await expect(store.saveStepResult('run-1', running, undefined, makeEvent({ runId: 'run-2' }))).rejects.toThrow();
      await expect(store.saveStepResult('nope', running, undefined, makeEvent({ runId: 'nope' }))).rejects.toThrow(/run nope does not exist/);
      expect(await store.timeline('nope')).toEqual([]);
    });

    it('throws instead of losing a write to a run that does not exist', async () => {
      const store = await h.open();
      await expect(store.setMessage('nope', { channel: 'C', ts: '1' })).rejects.toThrow(/run nope does not exist/);
      await expect(store.saveStepResult('nope', fullRun().stepResults[0]!)).rejects.toThrow(/run nope does not exist/);
      await expect(store.saveVerification('nope', fullRun().verification!)).rejects.toThrow(/run nope does not exist/);
      await expect(store.appendTimeline(makeEvent({ runId: 'nope' }))).rejects.toThrow(/run nope does not exist/);
    });

    it('keeps the timeline in insertion order, even when timestamps disagree', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent({ at: at(5) }));
      await store.appendTimeline(makeEvent({ at: at(1), type: 'refused', detail: 'not an approver', actor: makeActor({ id: 'U0EVE' }) }));
      await store.appendTimeline(
        makeEvent({ at: at(3), type: 'note', detail: 'third', actor: makeActor({ kind: 'system', id: 'smartspec-rollback', name: undefined }) }),
      );
      expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'refused', 'note']);
      expect(await store.timeline('run-unknown')).toEqual([]);
    });
  });

  describe(`${name}: transition`, () => {
    it('is a compare-and-set: the right source wins once, then loses; the loser leaves no timeline row', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      const approved = makeEvent({ type: 'approved', at: at(2) });
      expect(await store.transition('run-1', ['awaiting_approval'], 'approved', approved)).toMatchObject({ status: 'approved' });
      expect(await store.transition('run-1', ['awaiting_approval'], 'approved', approved)).toBeUndefined();
      expect(await store.transition('run-1', ['awaiting_approval'], 'rejected', makeEvent({ type: 'rejected' }))).toBeUndefined();
      const run = await store.getRun('run-1');
      expect(run?.status).toBe('approved');
      expect(run?.updatedAt).toBe(at(2));
      expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'approved']);
    });

    it('answers with the run as it stored it, approvals and step results included', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      await store.addApproval('run-1', { userId: 'U0BOB', at: at(2) }, makeEvent({ type: 'approval', at: at(2) }));
      const approved = await store.transition('run-1', ['awaiting_approval'], 'approved', makeEvent({ type: 'approved', at: at(3) }));
      expect(approved).toEqual(await store.getRun('run-1'));
      expect(approved).toMatchObject({ status: 'approved', updatedAt: at(3), approvals: [{ userId: 'U0BOB', at: at(2) }] });
    });

    it('accepts any of several sources', async () => {
      const store = await h.open();
      await store.createRun(makeRun({ status: 'verifying' }), makeEvent());
      expect(await store.transition('run-1', ['executing', 'verifying'], 'failed', makeEvent({ type: 'failed' }))).toMatchObject({
        status: 'failed',
      });
      expect((await store.getRun('run-1'))?.status).toBe('failed');
    });

    it('returns false for a run that does not exist', async () => {
      const store = await h.open();
      expect(await store.transition('nope', ['awaiting_approval'], 'approved', makeEvent({ runId: 'nope' }))).toBeUndefined();
    });

    it('lets exactly one of 20 concurrent callers win', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transition('run-1', ['awaiting_approval'], i % 2 ? 'approved' : 'rejected', makeEvent({ type: `click-${i}` })),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.timeline('run-1')).toHaveLength(2);
    });

    it('lets exactly one of two stores on the same database win, as two replicas would', async () => {
      const a = await h.open();
      const b = await h.open();
      await a.createRun(makeRun(), makeEvent());
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).transition('run-1', ['awaiting_approval'], 'approved', makeEvent({ type: `click-${i}` })),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await a.getRun('run-1'))?.status).toBe('approved');
      expect(await b.timeline('run-1')).toHaveLength(2);
    });

    it('throws on a move the run machine forbids, writing nothing', async () => {
      const store = await h.open();
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
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      await expect(store.transition('run-1', ['awaiting_approval'], 'approved', makeEvent({ runId: 'run-2' }))).rejects.toThrow(
        /Timeline event for run run-2/,
      );
    });
  });

  describe(`${name}: approvals`, () => {
    it('records an approval once per user, in time order, with a timeline event each', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      const approve = (userId: string, minute: number) =>
        store.addApproval('run-1', { userId, at: at(minute) }, makeEvent({ type: 'approval', at: at(minute), actor: makeActor({ id: userId }) }));
      expect(await approve('U0CAROL', 3)).toBe(true);
      expect(await approve('U0BOB', 2)).toBe(true);
      expect(await approve('U0BOB', 4)).toBe(false);
      const run = await store.getRun('run-1');
      expect(run?.approvals).toEqual([
        { userId: 'U0BOB', at: at(2) },
        { userId: 'U0CAROL', at: at(3) },
      ]);
      expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'approval', 'approval']);
    });

    // On PostgreSQL concurrent approvals once deadlocked on the run row (seen reliably through 20 approve
    // clicks at once in test/e2e/rollback-flow.test.ts with SMARTSPEC_TEST_STORE=postgres; here the
    // interleaving is rarer): whatever the timing, each user's approval lands once and no call throws.
    it('takes approvals arriving at the same moment, the same user many times and several users, without an error', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      const users = ['U0BOB', 'U0CAROL', 'U0DAVE'];
      const clicks = Array.from({ length: 24 }, (_, i) => users[i % users.length]!).map((userId, i) =>
        store.addApproval('run-1', { userId, at: at(2) }, makeEvent({ type: 'approval', at: at(2 + i), actor: makeActor({ id: userId }) })),
      );
      const added = await Promise.all(clicks);
      expect(added.filter(Boolean)).toHaveLength(users.length);
      expect((await store.getRun('run-1'))?.approvals.map((a) => a.userId).sort()).toEqual(users);
      expect((await store.timeline('run-1')).filter((e) => e.type === 'approval')).toHaveLength(users.length);
    });

    it('records nothing once the run is no longer awaiting approval', async () => {
      const store = await h.open();
      await store.createRun(makeRun(), makeEvent());
      await store.transition('run-1', ['awaiting_approval'], 'rejected', makeEvent({ type: 'rejected' }));
      expect(await store.addApproval('run-1', { userId: 'U0BOB', at: at(2) }, makeEvent({ type: 'approval' }))).toBe(false);
      expect(await store.addApproval('nope', { userId: 'U0BOB', at: at(2) }, makeEvent({ runId: 'nope' }))).toBe(false);
      expect((await store.getRun('run-1'))?.approvals).toEqual([]);
      expect(await store.timeline('run-1')).toHaveLength(2);
    });
  });

  describe(`${name}: the per-service lock`, () => {
    it('lets one active run per service and environment exist, atomically', async () => {
      const store = await h.open();
      const outcomes = await Promise.all(
        ['x1', 'x2', 'x3'].map((id) => store.createRun(makeRun({ id, status: 'awaiting_approval' }), makeEvent({ runId: id }))),
      );
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'locked')).toHaveLength(2);
      const winner = ['x1', 'x2', 'x3'][outcomes.indexOf('created')];
      expect((await store.activeRunFor('checkout', 'production'))?.id).toBe(winner);
      expect(await store.getRun(['x1', 'x2', 'x3'].find((id) => id !== winner) ?? '')).toBeUndefined();
    });

    it('frees the service when the active run ends, and never locks blocked, planned or other services', async () => {
      const store = await h.open();
      expect(await store.createRun(makeRun({ id: 'a', status: 'executing' }), makeEvent({ runId: 'a' }))).toBe('created');
      expect(await store.createRun(makeRun({ id: 'blocked', status: 'blocked' }), makeEvent({ runId: 'blocked' }))).toBe('created');
      expect(await store.createRun(makeRun({ id: 'dry', status: 'planned' }), makeEvent({ runId: 'dry' }))).toBe('created');
      expect(await store.createRun(makeRun({ id: 's', plan: { service: 'search' } }), makeEvent({ runId: 's' }))).toBe('created');
      expect(await store.createRun(makeRun({ id: 'b' }), makeEvent({ runId: 'b' }))).toBe('locked');
      await store.transition('a', ['executing'], 'failed', makeEvent({ runId: 'a' }));
      expect(await store.createRun(makeRun({ id: 'b' }), makeEvent({ runId: 'b' }))).toBe('created');
    });
  });

  describe(`${name}: queries`, () => {
    it('finds the active run of a service, newest first, ignoring closed runs and other services', async () => {
      const store = await h.open();
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
      const store = await h.open();
      const statuses: RunStatus[] = ['verifying', 'succeeded', 'approved', 'executing', 'interrupted'];
      for (const [i, status] of statuses.entries()) {
        await store.createRun(makeRun({ id: `r${i}`, status, createdAt: at(i), plan: { service: `svc-${i}` } }), makeEvent({ runId: `r${i}` }));
      }
      const inFlight = await store.runsInStatus(['approved', 'executing', 'verifying']);
      expect(inFlight.map((r) => [r.id, r.status])).toEqual([
        ['r0', 'verifying'],
        ['r2', 'approved'],
        ['r3', 'executing'],
      ]);
      expect(await store.runsInStatus([])).toEqual([]);
    });
  });
}
