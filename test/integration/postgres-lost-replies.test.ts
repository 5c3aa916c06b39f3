// The writes PostgreSQL's store sends as one statement without BEGIN/COMMIT commit as they run. When
// the connection breaks after the commit but before the reply (a restart, a failover, a network
// cut), each must still give the answer of the write that happened — never run it twice, never call
// it refused. A proxy between the store and the server drops exactly that reply.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { at, makeActor, makeEvent, makeRun } from '../support/builders.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';
import { startReplyDroppingProxy, type ReplyDroppingProxy } from '../support/reply-dropping-proxy.js';

const LEASE_MS = 15_000;
let database: TestDatabase;
let proxy: ReplyDroppingProxy;
let store: PostgresStore;

beforeEach(async () => {
  database = await createTestDatabase();
  proxy = await startReplyDroppingProxy(database.url);
  // One connection: the dropped reply is always the write's, never a second connection's handshake.
  store = await PostgresStore.open(proxy.url, { max: 1 });
});

afterEach(async () => {
  await store.close();
  await proxy.close();
  await database.drop();
});

/** Runs `write` with its reply lost after the server committed it; its answer once the store recovered. */
async function withLostReply<T>(write: () => Promise<T>): Promise<T> {
  await store.getRun('run-1'); // the pool's one connection is open and idle
  proxy.dropNextReply();
  const answer = write();
  await proxy.dropped();
  return answer;
}

it('an approval whose reply was lost is recognised as recorded, not refused as a second approval', async () => {
  await store.createRun(makeRun(), makeEvent());
  const approved = await withLostReply(() =>
    store.addApproval(
      'run-1',
      { userId: 'U0APPROVER', at: at(2) },
      makeEvent({ type: 'approval', at: at(2), actor: makeActor({ id: 'U0APPROVER' }) }),
    ),
  );
  expect(approved).toBe(true);
  expect((await store.getRun('run-1'))?.approvals).toEqual([{ userId: 'U0APPROVER', at: at(2) }]);
  expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'approval']);
  // A real second approval by the same person is still refused.
  expect(await store.addApproval('run-1', { userId: 'U0APPROVER', at: at(3) }, makeEvent({ type: 'approval', at: at(3) }))).toBe(false);
});

it('a move whose reply was lost reports that it moved, once, with or without a lease', async () => {
  await store.createRun(makeRun(), makeEvent());
  const approved = await withLostReply(() =>
    store.transition('run-1', ['awaiting_approval'], 'approved', makeEvent({ type: 'approved', at: at(2) })),
  );
  expect(approved).toMatchObject({ id: 'run-1', status: 'approved' });
  const lease = await store.claimRun('run-1', 'replica-a', at(2), LEASE_MS);
  if (!lease) throw new Error('the approved run could not be claimed');
  const executing = await withLostReply(() =>
    store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing', at: at(3) }), lease),
  );
  expect(executing).toMatchObject({ id: 'run-1', status: 'executing' });
  expect((await store.getRun('run-1'))?.status).toBe('executing');
  expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'approved', 'executing']);
  // And a move that did not match still says so.
  expect(await store.transition('run-1', ['approved'], 'cancelled', makeEvent({ type: 'cancelled', at: at(4) }), lease)).toBeUndefined();
});

it('a claim whose reply was lost is this replica’s claim, and its fenced writes go through', async () => {
  await store.createRun(makeRun({ status: 'approved' }), makeEvent());
  const lease = await withLostReply(() => store.claimRun('run-1', 'replica-a', at(2), LEASE_MS));
  expect(lease).toMatchObject({
    runId: 'run-1',
    owner: 'replica-a',
    expiresAt: new Date(Date.parse(at(2)) + LEASE_MS).toISOString(),
    takenOver: false,
  });
  if (!lease) throw new Error('unreachable');
  expect(await store.runLease('run-1')).toEqual({ runId: 'run-1', owner: 'replica-a', fence: lease.fence, expiresAt: lease.expiresAt });
  expect(await store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing', at: at(3) }), lease)).toMatchObject({
    status: 'executing',
  });
  // Another replica still cannot take it while the lease is live.
  expect(await store.claimRun('run-1', 'replica-b', new Date(Date.parse(at(2)) + 1_000).toISOString(), LEASE_MS)).toBeUndefined();
});

it('a timeline entry and a step result whose replies were lost are each recorded once', async () => {
  await store.createRun(makeRun({ status: 'approved' }), makeEvent());
  const lease = await store.claimRun('run-1', 'replica-a', at(2), LEASE_MS);
  if (!lease) throw new Error('the approved run could not be claimed');
  await withLostReply(() => store.appendTimeline(makeEvent({ type: 'evidence_failed', at: at(3) }), lease));
  const running = { index: 1, status: 'running' as const, startedAt: at(3), detail: 'undo checkout-api' };
  await withLostReply(() => store.saveStepResult('run-1', running, lease, makeEvent({ type: 'step_started', at: at(3) })));
  expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'evidence_failed', 'step_started']);
  expect((await store.getRun('run-1'))?.stepResults).toEqual([{ index: 1, status: 'running', startedAt: at(3), detail: 'undo checkout-api' }]);
});
