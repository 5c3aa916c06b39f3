// Leases in the coordinator: a run whose owner stopped is resumed from its first unfinished step
// (or stopped as interrupted when the cluster moved), a stale owner's writes are refused, and a
// run is never driven by two owners at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HeldLease } from '../../src/core/coordinator/held-lease.js';
import { LeaseLostError } from '../../src/core/errors.js';
import { makeActor } from '../support/builders.js';
import { LEASE_MS, makeWorld, quietLogger, TARGET_IMAGE, type World } from '../support/coordinator-world.js';

let world: World;
beforeEach(async () => {
  world = await makeWorld();
});
afterEach(async () => {
  await world.close();
});

/** A run a dead owner left executing after step 1 (the cluster moved as step 1 said). */
async function orphanAfterStep1(): Promise<string> {
  const run = await world.createRun({ status: 'executing' });
  const now = world.clock.now().toISOString();
  await world.store.claimRun(run.id, 'replica-dead', now, LEASE_MS);
  await world.store.saveStepResult(run.id, { index: 1, status: 'done', startedAt: now, finishedAt: now, detail: 'checkout-api rolled back' });
  world.cluster.set('checkout-api', [TARGET_IMAGE('checkout-api')]);
  return run.id;
}

describe('resume', () => {
  it("waits for the dead owner's lease to expire, then goes on from the first unfinished step", async () => {
    const runId = await orphanAfterStep1();
    const coordinator = world.coordinator('replica-b');
    await world.settle(coordinator);
    expect(world.log.types(runId)).toEqual([]); // the lease still lives: not ours
    world.clock.advance(LEASE_MS);
    await world.settle(coordinator);

    expect((await world.store.getRun(runId))?.status).toBe('succeeded');
    expect(world.cluster.calls).toEqual([{ runId, step: 2 }]); // step 1 was not executed again
    const [resumed] = world.log.of('resumed', runId);
    expect(resumed).toMatchObject({ was: 'executing', fromStep: { index: 2, component: 'checkout-worker' } });
    expect(resumed?.stepsDone.map((s) => s.index)).toEqual([1]);
    expect(resumed?.components.map((c) => `${c.component}:${c.at}`)).toEqual(['checkout-api:target', 'checkout-worker:start']);
    expect(world.log.types(runId)).toEqual(['resumed', 'step_started', 'step_done', 'verifying', 'verified', 'reports_ready', 'succeeded']);
    expect((await world.store.getRun(runId))?.stepResults.find((r) => r.index === 1)?.detail).toBe('checkout-api rolled back'); // not rewritten
    expect(await world.store.runLease(runId)).toBeUndefined();
  });

  it('re-executes a step left running: steps are idempotent, the component is written once', async () => {
    const run = await world.createRun({ status: 'executing' });
    const now = world.clock.now().toISOString();
    await world.store.claimRun(run.id, 'replica-dead', now, LEASE_MS);
    await world.store.saveStepResult(run.id, { index: 1, status: 'running', startedAt: now, detail: 'rolling back' });
    world.cluster.set('checkout-api', [TARGET_IMAGE('checkout-api')]); // the write landed before the kill
    world.clock.advance(LEASE_MS);
    await world.settle(world.coordinator());
    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
    expect(world.cluster.calls.map((c) => c.step)).toEqual([1, 2]);
    expect(world.cluster.writes.map((w) => w.component)).toEqual(['checkout-worker']);
  });

  it('stops as interrupted, saying what it found, when a component moved elsewhere', async () => {
    const runId = await orphanAfterStep1();
    world.cluster.set('checkout-worker', ['registry.example/checkout-worker:hotfix']);
    world.clock.advance(LEASE_MS);
    await world.settle(world.coordinator());
    expect((await world.store.getRun(runId))?.status).toBe('interrupted');
    expect(world.cluster.calls).toEqual([]);
    const [interrupted] = world.log.of('interrupted', runId);
    expect(interrupted).toMatchObject({ was: 'executing' });
    expect(interrupted?.found).toEqual([
      `checkout-worker runs registry.example/checkout-worker:hotfix: neither what the plan found nor the target (${TARGET_IMAGE('checkout-worker')})`,
    ]);
    expect(interrupted?.stepsNotDone.map((s) => s.index)).toEqual([2]);
  });

  it('stops as interrupted when a done step was undone by hand', async () => {
    const runId = await orphanAfterStep1();
    world.cluster.set('checkout-api', ['registry.example/checkout-api:v1.2.1']);
    world.clock.advance(LEASE_MS);
    await world.settle(world.coordinator());
    expect(world.log.of('interrupted', runId)[0]?.found).toEqual([
      'checkout-api is back at registry.example/checkout-api:v1.2.1 although its rollback step was done',
    ]);
  });

  it('stops as interrupted when the cluster cannot be read', async () => {
    const runId = await orphanAfterStep1();
    world.cluster.unreadable = true;
    world.clock.advance(LEASE_MS);
    await world.settle(world.coordinator());
    expect(world.log.of('interrupted', runId)[0]?.found).toEqual([
      'checkout-api: the cluster could not be read',
      'checkout-worker: the cluster could not be read',
    ]);
  });

  it('verifies again a run left verifying', async () => {
    const run = await world.createRun({ status: 'verifying' });
    await world.store.claimRun(run.id, 'replica-dead', world.clock.now().toISOString(), LEASE_MS);
    world.clock.advance(LEASE_MS);
    await world.settle(world.coordinator());
    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
    expect(world.log.types(run.id)).toEqual(['resumed', 'verified', 'reports_ready', 'succeeded']);
    expect(world.cluster.calls).toEqual([]);
  });

  it('a cancel asked while nobody held the run is honoured instead of resuming', async () => {
    const runId = await orphanAfterStep1();
    await world.store.appendTimeline({ runId, at: world.clock.now().toISOString(), actor: makeActor(), type: 'cancel_requested', detail: 'stop' });
    world.clock.advance(LEASE_MS);
    await world.settle(world.coordinator());
    expect((await world.store.getRun(runId))?.status).toBe('cancelled');
    expect(world.cluster.calls).toEqual([]);
    expect(world.log.of('cancelled', runId)[0]?.stepsDone.map((s) => s.index)).toEqual([1]);
  });
});

describe('fencing', () => {
  it('an owner paused past its lease records nothing once another owner claimed the run', async () => {
    const slow = world.coordinator('replica-a');
    const gate = world.cluster.hold(1);
    const run = await world.createRun({ status: 'approved' });
    const first = world.settle(slow);
    await gate.started; // replica-a is inside step 1 … and stalls past its lease
    world.clock.advance(LEASE_MS + 1);
    const lease = await world.store.claimRun(run.id, 'replica-b', world.clock.now().toISOString(), LEASE_MS);
    expect(lease?.fence).toBe(2);
    gate.release();
    await first;
    // replica-a's step result, timeline entries and any later step were refused or never attempted.
    const stored = await world.store.getRun(run.id);
    expect(stored?.status).toBe('executing');
    expect(stored?.stepResults.map((r) => `${r.index}:${r.status}`)).toEqual(['1:running']);
    expect(world.cluster.calls.map((c) => c.step)).toEqual([1]);
    expect(world.log.types(run.id)).toEqual(['execution_started', 'step_started']);
    expect((await world.store.timeline(run.id)).map((e) => e.type)).not.toContain('step_done');
    expect((await world.store.runLease(run.id))?.owner).toBe('replica-b');
  });

  it('HeldLease.confirm() throws once the lease was taken, and aborts its signal', async () => {
    const run = await world.createRun({ status: 'approved' });
    const lease = (await world.store.claimRun(run.id, 'replica-a', world.clock.now().toISOString(), LEASE_MS))!;
    const held = new HeldLease(lease, { store: world.store, clock: world.clock, logger: quietLogger, leaseMs: LEASE_MS });
    await held.confirm();
    world.clock.advance(LEASE_MS);
    await world.store.claimRun(run.id, 'replica-b', world.clock.now().toISOString(), LEASE_MS);
    await expect(held.confirm()).rejects.toBeInstanceOf(LeaseLostError);
    expect(held.signal.aborted).toBe(true);
    await held.release(); // a lost lease is not released: replica-b keeps it
    expect((await world.store.runLease(run.id))?.owner).toBe('replica-b');
  });

  it('two coordinators never drive one run together', async () => {
    const a = world.coordinator('replica-a');
    const b = world.coordinator('replica-b');
    const run = await world.createRun({ status: 'approved' });
    await Promise.all([a.tick(), b.tick()]);
    expect([...a.activeRuns(), ...b.activeRuns()]).toEqual([run.id]);
    await Promise.all([a.idle(), b.idle()]);
    expect(world.cluster.calls.map((c) => c.step)).toEqual([1, 2]);
  });
});

describe('an approval left waiting by a stopped process', () => {
  it("is executed when claimed within the plan's deadline", async () => {
    const run = await world.createRun({ status: 'approved' });
    await world.store.claimRun(run.id, 'replica-dead', world.clock.now().toISOString(), LEASE_MS);
    world.clock.advance(LEASE_MS);
    await world.settle(world.coordinator());
    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
  });

  it('is not acted on by surprise once the plan expired: interrupted, nothing written', async () => {
    const run = await world.createRun({ status: 'approved' });
    await world.store.claimRun(run.id, 'replica-dead', world.clock.now().toISOString(), LEASE_MS);
    world.clock.advance(31 * 60_000);
    await world.settle(world.coordinator());
    expect((await world.store.getRun(run.id))?.status).toBe('interrupted');
    expect(world.cluster.calls).toEqual([]);
    expect(world.log.of('interrupted', run.id)[0]).toMatchObject({
      was: 'approved',
      found: [`the plan expired at ${run.plan.expiresAt} before its execution could start`],
    });
  });
});

describe('bounded concurrency', () => {
  it('drives at most maxConcurrent runs at once; the others start as slots free up', async () => {
    const { RunCoordinator } = await import('../../src/core/coordinator/run-coordinator.js');
    const coordinator = new RunCoordinator(world.deps, { owner: 'replica-c', leaseMs: LEASE_MS, pollMs: 60_000, maxConcurrent: 1 });
    const gate = world.cluster.hold(1);
    const first = await world.createRun({ status: 'approved', plan: { service: 'svc-1' } });
    const second = await world.createRun({ status: 'approved', plan: { service: 'svc-2' } });
    for (const name of ['svc-1', 'svc-2']) world.deps.catalog.services.set(name, { ...world.service, name });
    await coordinator.tick();
    expect(coordinator.activeRuns()).toEqual([first.id]);
    await gate.started;
    gate.release();
    await eventuallyIdle(coordinator);
    expect((await world.store.getRun(first.id))?.status).toBe('succeeded');
    // The second started only once the first had finished (here it then finds the cluster moved by the first).
    const order = world.log.events.map((e) => `${e.runId}:${e.type}`);
    expect(order.indexOf(`${first.id}:succeeded`)).toBeLessThan(order.findIndex((e) => e.startsWith(`${second.id}:`)));
    expect((await world.store.getRun(second.id))?.status).not.toBe('approved');
    await coordinator.stop(1_000);
  });
});

async function eventuallyIdle(coordinator: { idle(): Promise<void>; activeRuns(): string[] }): Promise<void> {
  // A finished drive nudges the next pass, which may start another drive: wait until none is left.
  for (let i = 0; i < 50; i++) {
    await coordinator.idle();
    await new Promise((resolve) => setImmediate(resolve));
    if (coordinator.activeRuns().length === 0) return;
  }
}

describe('a stop during verification', () => {
  it('records nothing, releases the run, and the next owner verifies again', async () => {
    world.cluster.verifyUntilAborted = true;
    const verifying = new Promise<void>((resolve) => {
      world.cluster.verifyStarted = resolve;
    });
    const first = world.coordinator('replica-a');
    const run = await world.createRun({ status: 'approved' });
    void first.tick();
    await verifying;
    await first.stop(5_000);
    const left = await world.store.getRun(run.id);
    expect(left?.status).toBe('verifying');
    expect(left?.verification).toBeUndefined();
    expect(await world.store.runLease(run.id)).toBeUndefined(); // released: claimable at once
    world.cluster.verifyUntilAborted = false;
    await world.settle(world.coordinator('replica-b'));
    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
    expect(world.log.types(run.id).slice(-5)).toEqual(['verifying', 'resumed', 'verified', 'reports_ready', 'succeeded']);
    expect(world.cluster.calls.map((c) => c.step)).toEqual([1, 2]);
  });
});
