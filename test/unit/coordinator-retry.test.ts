// Retry plans a finished run again as a new run, through the same planning, policy and safety
// checks; both audits name the other. Drift asks for the same refreshed plan, as the requester.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveRun } from '../../src/core/use-cases/decide.js';
import { retryRun } from '../../src/core/use-cases/retry-run.js';
import { makeActor } from '../support/builders.js';
import { APPROVER, makeWorld, type World } from '../support/coordinator-world.js';

let world: World;
beforeEach(async () => {
  world = await makeWorld();
});
afterEach(async () => {
  await world.close();
});

describe('retry', () => {
  it('plans a failed run again as a new run linked both ways', async () => {
    world.cluster.fail(1, 'the API server refused the patch');
    const coordinator = world.coordinator();
    const old = await world.createRun();
    await approveRun(world.deps, old.id, APPROVER);
    await world.settle(coordinator);
    expect((await world.store.getRun(old.id))?.status).toBe('failed');

    const outcome = await retryRun(world.deps, old.id, APPROVER);
    expect(outcome.kind).toBe('planned');
    const fresh = outcome.kind === 'planned' ? outcome.run : undefined;
    expect(fresh?.id).not.toBe(old.id);
    expect(fresh?.status).toBe('awaiting_approval');
    expect(fresh?.plan.supersedes).toEqual({ runId: old.id, why: 'retry' });
    expect(fresh?.requestedBy).toEqual(APPROVER);
    expect(world.log.of('planned', fresh?.id)).toMatchObject([{ supersedes: { runId: old.id, why: 'retry' }, status: 'awaiting_approval' }]);
    expect(world.log.of('replanned', old.id)).toMatchObject([{ newRunId: fresh?.id, why: 'retry', actor: APPROVER }]);
    expect((await world.store.timeline(old.id)).map((e) => `${e.type}: ${e.detail}`)).toContain(`retried: planned again as ${fresh?.id}`);
    expect((await world.store.timeline(fresh!.id))[0]?.detail).toContain(`retry of ${old.id}`);
  });

  it('refuses runs that are not failed, interrupted, expired or cancelled, and a second click', async () => {
    const waiting = await world.createRun();
    expect(await retryRun(world.deps, waiting.id, APPROVER)).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('only a failed, interrupted, expired or cancelled'),
    });
    expect(await retryRun(world.deps, 'rb-missing', APPROVER)).toMatchObject({ kind: 'refused' });
    const cancelled = await world.createRun({ status: 'cancelled', plan: { service: 'checkout' } });
    const [first, second] = await Promise.all([
      retryRun(world.deps, cancelled.id, APPROVER),
      retryRun(world.deps, cancelled.id, makeActor({ id: 'U0SECOND' })),
    ]);
    expect([first.kind, second.kind].sort()).toEqual(['planned', 'refused']);
  });

  it('goes through the same policy: a requester the catalog does not allow is refused and told why', async () => {
    world.service.approvals.requesters = ['U0ONLYME'];
    const expired = await world.createRun({ status: 'expired' });
    const outcome = await retryRun(world.deps, expired.id, makeActor({ id: 'U0OTHER' }));
    expect(outcome).toMatchObject({ kind: 'refused', message: expect.stringContaining('may not request rollbacks of checkout') });
    expect(world.log.of('replan_failed', expired.id)).toMatchObject([{ why: 'retry' }]);
  });
});

describe('drift', () => {
  it('ends the run and the coordinator asks for a refreshed plan as the original requester', async () => {
    const coordinator = world.coordinator();
    const old = await world.createRun();
    await approveRun(world.deps, old.id, APPROVER);
    world.cluster.set('checkout-worker', ['registry.example/checkout-worker:v1.2.2']);
    await world.settle(coordinator);
    const [replanned] = world.log.of('replanned', old.id);
    expect(replanned).toMatchObject({ why: 'drift' });
    const fresh = await world.store.getRun(replanned!.newRunId);
    expect(fresh?.plan.supersedes).toEqual({ runId: old.id, why: 'drift' });
    expect(fresh?.requestedBy).toEqual(old.requestedBy);
    expect(fresh?.plan.observed?.find((c) => c.name === 'checkout-worker')?.images).toEqual(['registry.example/checkout-worker:v1.2.2']);
  });
});

describe('log correlation', () => {
  it("a new run is added to the log context of the request that made it, and each drive runs in its run's scope", async () => {
    const correlated: string[] = [];
    world.deps.correlate = (fields) => {
      if (fields.runId) correlated.push(fields.runId);
    };
    const old = await world.createRun({ status: 'failed' });
    const outcome = await retryRun(world.deps, old.id, APPROVER);
    const fresh = outcome.kind === 'planned' ? outcome.run : undefined;
    expect(correlated).toEqual([fresh?.id]);

    const scoped: string[] = [];
    const { RunCoordinator } = await import('../../src/core/coordinator/run-coordinator.js');
    const coordinator = new RunCoordinator(world.deps, {
      owner: 'replica-s',
      leaseMs: 15_000,
      pollMs: 1_000,
      scope: (runId, drive) => {
        scoped.push(runId);
        return drive();
      },
    });
    const approved = await world.createRun({ status: 'approved', plan: { service: 'checkout-scope' } });
    world.deps.catalog.services.set('checkout-scope', { ...world.service, name: 'checkout-scope' });
    await world.settle(coordinator);
    expect(scoped).toEqual([approved.id]);
    expect((await world.store.getRun(approved.id))?.status).toBe('succeeded');
  });
});
