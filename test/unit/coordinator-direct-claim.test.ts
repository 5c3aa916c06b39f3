// The replica that records an approval claims that run directly (nudge with its id) instead of after
// a query for every claimable run; the claim is the same compare-and-set, so exactly-once holds: a
// run another owner holds is left to it, and a direct claim racing a full pass drives the run once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveRun } from '../../src/core/use-cases/decide.js';
import { APPROVER, LEASE_MS, makeWorld, type World } from '../support/coordinator-world.js';

let world: World;
let candidateQueries: number;
beforeEach(async () => {
  world = await makeWorld();
  candidateQueries = 0;
  const query = world.store.claimableRuns.bind(world.store);
  world.store.claimableRuns = (...args) => {
    candidateQueries++;
    return query(...args);
  };
});
afterEach(async () => {
  await world.close();
});

describe('direct claim of a run approved here', () => {
  it('drives the approved run without a query for candidates', async () => {
    const run = await world.createRun();
    const coordinator = world.coordinator();
    const firstWrite = world.cluster.hold(1);

    expect(await approveRun(world.deps, run.id, APPROVER)).toEqual({ kind: 'approved' });
    await firstWrite.started;
    // Up to the first write: claimed by its id, no query for candidates.
    expect(candidateQueries).toBe(0);
    expect(await world.store.runLease(run.id)).toMatchObject({ owner: 'replica-a', fence: 1 });
    firstWrite.release();
    await coordinator.idle();

    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
    expect(world.cluster.calls).toEqual([
      { runId: run.id, step: 1 },
      { runId: run.id, step: 2 },
    ]);
  });

  it('leaves a run another owner holds to it, and looks with a full pass instead', async () => {
    const run = await world.createRun();
    await world.store.claimRun(run.id, 'replica-b', world.clock.now().toISOString(), LEASE_MS);
    const coordinator = world.coordinator('replica-a');

    expect(await approveRun(world.deps, run.id, APPROVER)).toEqual({ kind: 'approved' });
    await coordinator.idle();

    expect(candidateQueries).toBe(1);
    expect(world.cluster.calls).toEqual([]);
    expect(await world.store.runLease(run.id)).toMatchObject({ owner: 'replica-b', fence: 1 });
    expect((await world.store.getRun(run.id))?.status).toBe('approved');
  });

  it('drives the run once when a full pass claims at the same moment', async () => {
    const run = await world.createRun();
    const coordinator = world.coordinator();

    const [decision] = await Promise.all([approveRun(world.deps, run.id, APPROVER), coordinator.tick(), coordinator.tick()]);
    expect(decision).toEqual({ kind: 'approved' });
    await world.settle(coordinator);

    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
    expect(world.cluster.calls).toEqual([
      { runId: run.id, step: 1 },
      { runId: run.id, step: 2 },
    ]);
    expect(world.log.types(run.id).filter((t) => t === 'execution_started')).toHaveLength(1);
  });
});
