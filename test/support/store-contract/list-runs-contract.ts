// The audit export's query (Store.listRuns): filters, order and keyset pages, on every store.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../src/core/model.js';
import type { Store } from '../../../src/core/ports.js';
import { at, makeEvent, makeRun } from '../builders.js';
import type { StoreHarness } from './store-harness.js';

async function seed(store: Store, id: string, minutes: number, status: RunStatus, service = 'checkout') {
  const run = makeRun({ id, status, createdAt: at(minutes), updatedAt: at(minutes), plan: { service } });
  expect(await store.createRun(run, makeEvent({ runId: id, at: at(minutes) }))).toBe('created');
}

export function describeListRunsContract(name: string, h: StoreHarness): void {
  describe(`${name}: listRuns`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await h.open();
      await seed(store, 'rb-a', 1, 'succeeded');
      await seed(store, 'rb-b', 2, 'failed');
      await seed(store, 'rb-c', 3, 'cancelled', 'payments');
      // Two runs created at the same instant: the id orders them, so pages neither skip nor repeat one.
      await seed(store, 'rb-d', 4, 'succeeded');
      await seed(store, 'rb-e', 4, 'expired');
      await seed(store, 'rb-f', 5, 'awaiting_approval');
    });

    it('lists newest first, the id breaking ties', async () => {
      expect((await store.listRuns({ limit: 100 })).map((r) => r.id)).toEqual(['rb-f', 'rb-e', 'rb-d', 'rb-c', 'rb-b', 'rb-a']);
    });

    it.each([
      ['a service', { service: 'payments' }, ['rb-c']],
      ['statuses', { statuses: ['succeeded', 'failed'] as RunStatus[] }, ['rb-d', 'rb-b', 'rb-a']],
      ['a start time, inclusive, in any offset', { since: '2026-11-20T11:04:00+01:00' }, ['rb-f', 'rb-e', 'rb-d']],
      ['all three', { service: 'checkout', statuses: ['succeeded'] as RunStatus[], since: at(2) }, ['rb-d']],
      ['a service with no runs', { service: 'nothing' }, []],
    ])('filters by %s', async (_name, filter, ids) => {
      expect((await store.listRuns({ limit: 100, ...filter })).map((r) => r.id)).toEqual(ids);
    });

    it('pages by keyset after the last run of the previous page, across equal creation times', async () => {
      const seen: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const runs = await store.listRuns({ limit: 2, ...(after ? { after } : {}) });
        if (runs.length === 0) break;
        seen.push(...runs.map((r) => r.id));
        const last = runs.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(['rb-f', 'rb-e', 'rb-d', 'rb-c', 'rb-b', 'rb-a']);
    });

    it('returns whole runs, as getRun does', async () => {
      const [listed] = await store.listRuns({ limit: 1, statuses: ['cancelled'] });
      expect(listed).toEqual(await store.getRun('rb-c'));
    });
  });
}
