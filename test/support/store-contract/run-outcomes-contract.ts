// Planning's view of past runs (Store.runOutcomes): the same facts as decoding each run whole
// (outcomeOf), for one service and environment, newest first, bounded — on every store.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/ports.js';
import { outcomeOf } from '../../../src/core/version-history.js';
import { at, makeEvent, makeRun } from '../builders.js';
import type { StoreHarness } from './store-harness.js';

const passed = { name: 'rollout', phase: 'passed' as const, durationMs: 5, detail: 'ready' };
const failed = { name: 'smoke', phase: 'failed' as const, durationMs: 5, detail: '500' };

export function describeRunOutcomesContract(name: string, h: StoreHarness): void {
  describe(`${name}: runOutcomes`, () => {
    let store: Store;
    async function seed(
      id: string,
      minutes: number,
      o: {
        status?: 'succeeded' | 'failed' | 'planned' | 'rejected';
        service?: string;
        environment?: string;
        dryRun?: boolean;
        done?: boolean;
        checks?: Array<typeof passed | typeof failed>;
        phase?: 'Succeeded' | 'Failed';
      } = {},
    ) {
      const run = makeRun({
        id,
        status: o.status ?? 'succeeded',
        createdAt: at(minutes),
        updatedAt: at(minutes),
        plan: {
          service: o.service ?? 'checkout',
          environment: o.environment ?? 'production',
          dryRun: o.dryRun ?? false,
          failedDeploymentId: `f-${id}`,
          targetDeploymentId: `t-${id}`,
        },
      });
      expect(await store.createRun(run, makeEvent({ runId: id, at: at(minutes) }))).toBe('created');
      await store.saveStepResult(id, {
        index: 1,
        status: o.done === false ? 'failed' : 'done',
        startedAt: at(minutes),
        finishedAt: at(minutes),
        detail: 'step 1',
      });
      if (o.checks)
        await store.saveVerification(id, { phase: o.phase ?? 'Succeeded', checks: o.checks, startedAt: at(minutes), finishedAt: at(minutes) });
    }

    beforeEach(async () => {
      store = await h.open();
      await seed('rb-1', 1, { checks: [passed] });
      await seed('rb-2', 2, { status: 'failed', done: false });
      await seed('rb-3', 3, { status: 'planned', dryRun: true });
      await seed('rb-4', 4, { checks: [failed] });
      await seed('rb-5', 5, { checks: [failed, passed], phase: 'Failed' });
      await seed('rb-6', 6, { checks: [] });
      await seed('rb-7', 7, { service: 'payments', checks: [passed] });
      await seed('rb-8', 8, { environment: 'staging', checks: [passed] });
    });

    it('says what decoding each run whole says, for the service and environment only, newest first', async () => {
      const whole = await Promise.all(['rb-6', 'rb-5', 'rb-4', 'rb-3', 'rb-2', 'rb-1'].map(async (id) => outcomeOf((await store.getRun(id))!)));
      expect(await store.runOutcomes('checkout', 'production', 200)).toEqual(whole);
      expect(whole.map((o) => [o.changedSomething, o.checkedSomething])).toEqual([
        [true, false],
        [true, false],
        [true, false],
        [false, false],
        [false, false],
        [true, true],
      ]);
    });

    it('keeps the newest `limit`', async () => {
      expect((await store.runOutcomes('checkout', 'production', 2)).map((o) => o.id)).toEqual(['rb-6', 'rb-5']);
      expect(await store.runOutcomes('nobody', 'production', 10)).toEqual([]);
    });
  });
}
