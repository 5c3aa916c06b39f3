// The audit export's store query against a real SQLite file: filters, order and keyset pages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import type { RunStatus } from '../../src/core/model.js';
import { at, makeEvent, makeRun } from '../support/builders.js';

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-list-runs-'));
  store = SqliteStore.open(join(dir, 'smartspec.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function seed(id: string, minutes: number, status: RunStatus, service = 'checkout') {
  const run = makeRun({ id, status, createdAt: at(minutes), updatedAt: at(minutes), plan: { service } });
  expect(await store.createRun(run, makeEvent({ runId: id, at: at(minutes) }))).toBe('created');
}

describe('listRuns', () => {
  beforeEach(async () => {
    await seed('rb-a', 1, 'succeeded');
    await seed('rb-b', 2, 'failed');
    await seed('rb-c', 3, 'cancelled', 'payments');
    // Two runs created at the same instant: the id orders them, so pages neither skip nor repeat one.
    await seed('rb-d', 4, 'succeeded');
    await seed('rb-e', 4, 'expired');
    await seed('rb-f', 5, 'awaiting_approval');
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
