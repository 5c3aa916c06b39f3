// Claims, takeovers and lease losses are counted where every caller goes through: the store's lease
// methods, wrapped by instrumentStore. The answers stay exactly the store's.
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentStore } from '../../src/adapters/metrics/instrument-store.js';
import { Metrics } from '../../src/adapters/metrics/metrics.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { LeaseLostError } from '../../src/core/errors.js';
import { makeEvent, makeRun, T0 } from '../support/builders.js';

const opened: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

const time = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

async function setup() {
  const raw = SqliteStore.open(':memory:');
  opened.push(raw);
  const metrics = new Metrics({ defaultMetrics: false });
  const store = instrumentStore(raw, metrics);
  await store.createRun(makeRun({ status: 'approved' }), makeEvent());
  const value = async (name: string, label: string) => {
    const line = (await metrics.render()).split('\n').find((l) => l.startsWith(`${name}{${label}}`));
    return Number(line?.split(' ').at(-1));
  };
  return { store, value };
}

describe('lease metrics', () => {
  it('start at zero for every label, so alerts have a series before the first event', async () => {
    const { value } = await setup();
    expect(await value('smartspec_run_claims_total', 'kind="fresh"')).toBe(0);
    expect(await value('smartspec_run_claims_total', 'kind="takeover"')).toBe(0);
    expect(await value('smartspec_lease_losses_total', 'at="renew"')).toBe(0);
    expect(await value('smartspec_lease_losses_total', 'at="write"')).toBe(0);
  });

  it('count a fresh claim, a takeover of an expired lease, and the old owner losing it at renewal and at a write', async () => {
    const { store, value } = await setup();
    const first = await store.claimRun('run-1', 'replica-a', time(0), 15_000);
    expect(first?.fence).toBe(1);
    expect(await store.claimRun('run-1', 'replica-b', time(5), 15_000)).toBeUndefined(); // held: not a claim
    const second = await store.claimRun('run-1', 'replica-b', time(20), 15_000);
    expect(second?.fence).toBe(2);
    expect(await value('smartspec_run_claims_total', 'kind="fresh"')).toBe(1);
    expect(await value('smartspec_run_claims_total', 'kind="takeover"')).toBe(1);

    expect(await store.renewLease(first!, time(21), 15_000)).toBeUndefined();
    await expect(store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing' }), first!)).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await expect(store.appendTimeline(makeEvent({ type: 'late' }), first!)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await value('smartspec_lease_losses_total', 'at="renew"')).toBe(1);
    expect(await value('smartspec_lease_losses_total', 'at="write"')).toBe(2);

    // The current owner's writes and renewals count nothing.
    expect(await store.renewLease(second!, time(22), 15_000)).toMatchObject({ fence: 2 });
    expect(await store.transition('run-1', ['approved'], 'executing', makeEvent({ type: 'executing' }), second!)).toMatchObject({
      status: 'executing',
    });
    expect(await value('smartspec_lease_losses_total', 'at="write"')).toBe(2);
  });

  it('counts a claim after a release as fresh: nobody held the run', async () => {
    const { store, value } = await setup();
    const lease = await store.claimRun('run-1', 'replica-a', time(0), 15_000);
    await store.releaseLease(lease!);
    expect(await store.claimRun('run-1', 'replica-b', time(1), 15_000)).toMatchObject({ fence: 2 });
    expect(await value('smartspec_run_claims_total', 'kind="fresh"')).toBe(2);
    expect(await value('smartspec_run_claims_total', 'kind="takeover"')).toBe(0);
  });
});
