// The Store's lease API (claims, renewals, fenced writes, job claims) as one contract. Each store
// implementation runs it with its own `open()`, through describeStoreContract (store-contract.ts):
// test/integration/store-contract-{sqlite,postgres}.test.ts. Time is passed in, never read, so expiry is exact.
import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../../src/core/errors.js';
import type { RunLease, Store } from '../../../src/core/ports.js';
import { at, makeEvent, makeRun } from '../builders.js';

const LEASE_MS = 15_000;
/** T0 + minutes + seconds, as a Clock's ISO string. */
function time(minutes: number, seconds = 0): string {
  return new Date(Date.parse(at(minutes)) + seconds * 1000).toISOString();
}

export function describeLeaseContract(name: string, open: () => Promise<Store>): void {
  async function withRun(status: 'awaiting_approval' | 'approved' | 'executing' = 'approved', id = 'run-1'): Promise<Store> {
    const store = await open();
    await store.createRun(makeRun({ id, status, plan: { service: `svc-${id}` } }), makeEvent({ runId: id }));
    return store;
  }

  describe(`${name}: run leases`, () => {
    it('claims an unheld run with fence 1 and refuses a second claim while the lease lives', async () => {
      const store = await withRun();
      const lease = await store.claimRun('run-1', 'replica-a', time(1), LEASE_MS);
      expect(lease).toEqual({ runId: 'run-1', owner: 'replica-a', fence: 1, expiresAt: time(1, 15), takenOver: false });
      expect(await store.claimRun('run-1', 'replica-b', time(1, 14), LEASE_MS)).toBeUndefined();
      expect(await store.claimRun('run-1', 'replica-a', time(1, 14), LEASE_MS)).toBeUndefined();
      expect(await store.runLease('run-1')).toEqual({ runId: 'run-1', owner: 'replica-a', fence: 1, expiresAt: time(1, 15) });
    });

    it('lets another owner claim an expired lease, with a higher fence, and says it was taken over', async () => {
      const store = await withRun();
      await store.claimRun('run-1', 'replica-a', time(1), LEASE_MS);
      const taken = await store.claimRun('run-1', 'replica-b', time(1, 15), LEASE_MS);
      expect(taken).toEqual({ runId: 'run-1', owner: 'replica-b', fence: 2, expiresAt: time(1, 30), takenOver: true });
      // The same owner claiming its own expired lease again takes nothing over.
      expect(await store.claimRun('run-1', 'replica-b', time(1, 30), LEASE_MS)).toMatchObject({ fence: 3, takenOver: false });
    });

    it('renews a held lease, and says lost once another owner claimed it', async () => {
      const store = await withRun();
      const first = await store.claimRun('run-1', 'replica-a', time(1), LEASE_MS);
      const renewed = await store.renewLease(first!, time(1, 10), LEASE_MS);
      expect(renewed).toEqual({ runId: 'run-1', owner: 'replica-a', fence: 1, expiresAt: time(1, 25) });
      expect(await store.claimRun('run-1', 'replica-b', time(1, 20), LEASE_MS)).toBeUndefined();
      // Expired but not yet taken: the fence still matches, so the owner may renew.
      expect(await store.renewLease(renewed!, time(1, 40), LEASE_MS)).toMatchObject({ fence: 1, expiresAt: time(1, 55) });
      const stolen = await store.claimRun('run-1', 'replica-b', time(2), LEASE_MS);
      expect(stolen?.fence).toBe(2);
      expect(await store.renewLease(renewed!, time(2, 1), LEASE_MS)).toBeUndefined();
    });

    it('releases a lease so the run is claimable at once; the fence keeps growing', async () => {
      const store = await withRun();
      const lease = await store.claimRun('run-1', 'replica-a', time(1), LEASE_MS);
      await store.releaseLease(lease!);
      expect(await store.runLease('run-1')).toBeUndefined();
      expect((await store.claimableRuns(time(1, 1), ['approved'])).map((r) => r.id)).toEqual(['run-1']);
      // A released run is claimed afresh, not taken over.
      expect(await store.claimRun('run-1', 'replica-b', time(1, 1), LEASE_MS)).toMatchObject({ fence: 2, takenOver: false });
      // Releasing a lease that was lost changes nothing.
      await store.releaseLease(lease!);
      expect((await store.runLease('run-1'))?.owner).toBe('replica-b');
    });

    it('does not claim a run that does not exist', async () => {
      const store = await open();
      expect(await store.claimRun('run-missing', 'replica-a', time(1), LEASE_MS)).toBeUndefined();
    });

    it('lists as claimable only runs in the asked statuses with no live lease, oldest first', async () => {
      const store = await open();
      await store.createRun(makeRun({ id: 'run-b', status: 'executing', createdAt: at(2), plan: { service: 'b' } }), makeEvent({ runId: 'run-b' }));
      await store.createRun(makeRun({ id: 'run-a', status: 'approved', createdAt: at(1), plan: { service: 'a' } }), makeEvent({ runId: 'run-a' }));
      await store.createRun(makeRun({ id: 'run-c', status: 'awaiting_approval', plan: { service: 'c' } }), makeEvent({ runId: 'run-c' }));
      await store.createRun(makeRun({ id: 'run-d', status: 'executing', createdAt: at(3), plan: { service: 'd' } }), makeEvent({ runId: 'run-d' }));
      await store.claimRun('run-d', 'replica-a', time(5), LEASE_MS);
      const ids = async (now: string) => (await store.claimableRuns(now, ['approved', 'executing'])).map((r) => r.id);
      expect(await ids(time(5, 1))).toEqual(['run-a', 'run-b']);
      expect(await ids(time(5, 15))).toEqual(['run-a', 'run-b', 'run-d']);
    });
  });

  describe(`${name}: fenced writes`, () => {
    async function staleAndFresh(): Promise<{ store: Store; stale: RunLease; fresh: RunLease }> {
      const store = await withRun('approved');
      const stale = (await store.claimRun('run-1', 'replica-a', time(1), LEASE_MS))!;
      const fresh = (await store.claimRun('run-1', 'replica-b', time(2), LEASE_MS))!;
      return { store, stale, fresh };
    }

    it('commits writes that carry the current lease', async () => {
      const { store, fresh } = await staleAndFresh();
      expect(await store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing', at: time(2, 1) }), fresh)).toMatchObject({
        status: 'executing',
      });
      await store.saveStepResult('run-1', { index: 1, status: 'running', startedAt: time(2, 2), detail: 'step 1' }, fresh);
      await store.appendTimeline(makeEvent({ type: 'step_started', at: time(2, 2) }), fresh);
      await store.setMessage('run-1', { channel: 'C1', ts: '1.2' }, fresh);
      const run = await store.getRun('run-1');
      expect(run?.status).toBe('executing');
      expect(run?.stepResults).toHaveLength(1);
      expect(run?.message).toEqual({ channel: 'C1', ts: '1.2' });
    });

    it('refuses every write of a stale lease with LeaseLostError and records nothing', async () => {
      const { store, stale } = await staleAndFresh();
      const before = await store.timeline('run-1');
      await expect(
        store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing', at: time(2, 1) }), stale),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.saveStepResult('run-1', { index: 1, status: 'done', startedAt: time(2, 2), detail: 'x' }, stale)).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      await expect(store.appendTimeline(makeEvent({ type: 'step_done', at: time(2, 2) }), stale)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(
        store.saveVerification('run-1', { phase: 'Succeeded', checks: [], startedAt: time(2, 3), finishedAt: time(2, 4) }, stale),
      ).rejects.toBeInstanceOf(LeaseLostError);
      await expect(store.saveRootCause('run-1', { causes: [], pods: [], warnings: [], lastLogLines: [] }, stale)).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      await expect(store.setMessage('run-1', { channel: 'C1', ts: '9.9' }, stale)).rejects.toBeInstanceOf(LeaseLostError);
      const run = await store.getRun('run-1');
      expect(run?.status).toBe('approved');
      expect(run?.stepResults).toEqual([]);
      expect(run?.verification).toBeUndefined();
      expect(run?.rootCause).toBeUndefined();
      expect(run?.message).toBeUndefined();
      expect(await store.timeline('run-1')).toEqual(before);
    });

    it('refuses writes of a released lease', async () => {
      const store = await withRun('approved');
      const lease = (await store.claimRun('run-1', 'replica-a', time(1), LEASE_MS))!;
      await store.releaseLease(lease);
      await expect(store.appendTimeline(makeEvent({ type: 'late' }), lease)).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('still answers false for a fenced transition whose status does not match', async () => {
      const { store, fresh } = await staleAndFresh();
      expect(await store.transition('run-1', ['executing'], 'verifying', makeEvent({ type: 'verifying' }), fresh)).toBeUndefined();
    });

    it('lets entry points write without a lease (intent: approvals, cancel) while a run is held', async () => {
      const store = await withRun('awaiting_approval');
      await store.claimRun('run-1', 'replica-a', time(1), LEASE_MS);
      expect(await store.transition('run-1', ['awaiting_approval'], 'cancelled', makeEvent({ type: 'cancelled' }))).toMatchObject({
        status: 'cancelled',
      });
    });
  });

  describe(`${name}: job leases`, () => {
    it('gives a job to one owner per lease period', async () => {
      const store = await open();
      expect(await store.claimJob('expire-plans', 'replica-a', time(1), 30_000)).toBe(true);
      expect(await store.claimJob('expire-plans', 'replica-b', time(1, 10), 30_000)).toBe(false);
      expect(await store.claimJob('expire-plans', 'replica-a', time(1, 10), 30_000)).toBe(false);
      expect(await store.claimJob('reminders', 'replica-b', time(1, 10), 30_000)).toBe(true);
      expect(await store.claimJob('expire-plans', 'replica-b', time(1, 30), 30_000)).toBe(true);
      expect(await store.claimJob('expire-plans', 'replica-a', time(1, 59), 30_000)).toBe(false);
    });
  });
}
