// PostgreSQL's writes on the approve → first Kubernetes write path are each one statement, without
// BEGIN/COMMIT (src/adapters/postgres/one-statement-writes.ts). These are the edges that design
// creates, each met with a real second session holding the run row: a fenced write that waited on
// the row judges the row as the other writer left it (status and lease), and a write whose
// connection breaks mid-flight is retried only where that is safe (postgres-lost-replies.test.ts:
// a write whose reply was lost after it committed).
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { LeaseLostError } from '../../src/core/errors.js';
import type { RunLease } from '../../src/core/ports.js';
import { at, makeEvent, makeRun } from '../support/builders.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';

const LEASE_MS = 15_000;
let database: TestDatabase;
let store: PostgresStore;
let holder: pg.Client;
// Watches from outside the holder's transaction: inside it, pg_stat_activity is one snapshot.
let observer: pg.Client;

beforeEach(async () => {
  database = await createTestDatabase();
  store = await PostgresStore.open(database.url, { max: 4 });
  holder = new pg.Client({ connectionString: database.url, application_name: 'row-holder' });
  await holder.connect();
  observer = new pg.Client({ connectionString: database.url, application_name: 'observer' });
  await observer.connect();
});

afterEach(async () => {
  await holder.end();
  await observer.end();
  await store.close();
  await database.drop();
});

async function heldRun(status: 'approved' | 'executing'): Promise<RunLease> {
  await store.createRun(makeRun({ status }), makeEvent());
  const lease = await store.claimRun('run-1', 'replica-a', at(1), LEASE_MS);
  if (!lease) throw new Error('the test run could not be claimed');
  return lease;
}

/** The store's sessions waiting on a row lock, once there are `count` of them (a positive signal, bounded). */
async function waitersOnRowLock(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const { rows } = await observer.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'smartspec-rollback' AND wait_event_type = 'Lock'`,
    );
    if (rows.length >= count) return rows.map((r) => r.pid);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${count} store sessions ever waited on the run row`);
}

it('a fenced move that waited on the run row compares the status the other writer committed, not its own snapshot', async () => {
  const lease = await heldRun('approved');
  await holder.query('BEGIN');
  await holder.query(`UPDATE runs SET status = 'executing' WHERE id = 'run-1'`);
  const moving = store.transition('run-1', ['executing'], 'verifying', makeEvent({ type: 'verifying', at: at(3) }), lease);
  await waitersOnRowLock(1);
  await holder.query('COMMIT');
  expect(await moving).toMatchObject({ status: 'verifying' });
  expect((await store.getRun('run-1'))?.status).toBe('verifying');
  expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'verifying']);
});

it('a claim by another replica that commits while fenced writes wait: each throws LeaseLostError and records nothing', async () => {
  const lease = await heldRun('approved');
  const before = await store.timeline('run-1');
  await holder.query('BEGIN');
  await holder.query(`UPDATE runs SET lease_owner = 'replica-b', lease_fence = lease_fence + 1 WHERE id = 'run-1'`);
  const writes = [
    store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing', at: at(2) }), lease),
    store.saveStepResult('run-1', { index: 0, status: 'running', startedAt: at(2), detail: 'step 0' }, lease),
    store.appendTimeline(makeEvent({ type: 'step_started', at: at(2) }), lease),
  ].map((write) =>
    write.then(
      () => 'written',
      (error: unknown) => error,
    ),
  );
  await waitersOnRowLock(3);
  await holder.query('COMMIT');
  for (const outcome of await Promise.all(writes)) expect(outcome).toBeInstanceOf(LeaseLostError);
  const run = await store.getRun('run-1');
  expect(run?.status).toBe('approved');
  expect(run?.stepResults).toEqual([]);
  expect(await store.timeline('run-1')).toEqual(before);
});

it('a stale owner’s fenced move of a run whose status matches changes neither the status nor the timeline', async () => {
  const stale = await heldRun('approved');
  const fresh = await store.claimRun('run-1', 'replica-b', at(2), LEASE_MS);
  expect(fresh?.fence).toBe(stale.fence + 1);
  const before = await store.timeline('run-1');
  await expect(store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing', at: at(3) }), stale)).rejects.toBeInstanceOf(
    LeaseLostError,
  );
  expect((await store.getRun('run-1'))?.status).toBe('approved');
  expect(await store.timeline('run-1')).toEqual(before);
});

it('a fenced step result for a run that does not exist says so, whatever the lease', async () => {
  const lease: RunLease = { runId: 'run-x', owner: 'replica-a', fence: 1, expiresAt: at(2) };
  await expect(store.saveStepResult('run-x', { index: 0, status: 'running', startedAt: at(2), detail: 'step 0' }, lease)).rejects.toThrow(
    'run run-x does not exist',
  );
  await expect(store.appendTimeline(makeEvent({ runId: 'run-x' }))).rejects.toThrow('run run-x does not exist');
});

it('a move whose connection breaks before its commit (a restart, a failover) is retried on a fresh one and recorded once; so is a renewal', async () => {
  const lease = await heldRun('approved');
  await holder.query('BEGIN');
  await holder.query(`SELECT 1 FROM runs WHERE id = 'run-1' FOR UPDATE`);

  const moving = store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing', at: at(2) }), lease);
  const [moverPid] = await waitersOnRowLock(1);
  await holder.query('SELECT pg_terminate_backend($1)', [moverPid]);
  // Nothing committed before COMMIT: retried on a new connection, which waits on the row again.
  await retriedBy(moverPid as number);
  await holder.query('ROLLBACK');
  expect(await moving).toMatchObject({ status: 'executing' });
  expect((await store.getRun('run-1'))?.status).toBe('executing');
  expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'executing']);

  await holder.query('BEGIN');
  await holder.query(`SELECT 1 FROM runs WHERE id = 'run-1' FOR UPDATE`);
  const renewing = store.renewLease(lease, at(2), LEASE_MS);
  const [renewerPid] = await waitersOnRowLock(1);
  await holder.query('SELECT pg_terminate_backend($1)', [renewerPid]);
  await retriedBy(renewerPid as number);
  await holder.query('ROLLBACK');
  const { runId, owner, fence } = lease;
  expect(await renewing).toEqual({ runId, owner, fence, expiresAt: new Date(Date.parse(at(2)) + LEASE_MS).toISOString() });
});

/** Resolves once a store session other than `endedPid` waits on the run row: the retry (bounded). */
async function retriedBy(endedPid: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const pids = await waitersOnRowLock(1);
    if (!pids.includes(endedPid)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the write was never retried on a new connection');
}
