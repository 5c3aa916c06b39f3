// The run coordinator through every lifecycle path, on a real SQLite store, a fake cluster and a
// manual clock: approve → execute → verify, step and verification failures, drift, cancel (waiting
// and executing), retry, periodic expiry and reminders, and subscribers that fail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approveRun } from '../../src/core/use-cases/decide.js';
import { requestCancel } from '../../src/core/use-cases/cancel-run.js';
import { expiryJob, reminderJob, reshowJob } from '../../src/core/coordinator/periodic-jobs.js';
import { IncidentNotesSubscriber } from '../../src/core/coordinator/incident-notes.js';
import { at, makeActor } from '../support/builders.js';
import { APPROVER, LEASE_MS, makeWorld, TARGET_IMAGE, FAILED_IMAGE, quietLogger, type World } from '../support/coordinator-world.js';

let world: World;
beforeEach(async () => {
  world = await makeWorld();
});
afterEach(async () => {
  await world.close();
});

async function approved(): Promise<string> {
  const run = await world.createRun();
  expect(await approveRun(world.deps, run.id, APPROVER)).toEqual({ kind: 'approved' });
  return run.id;
}

describe('an approved run', () => {
  it('is executed once by the coordinator: every step, verification, reports, then succeeded', async () => {
    const coordinator = world.coordinator();
    const runId = await approved();
    expect((await world.store.getRun(runId))?.status).toBe('approved'); // the click only recorded intent
    await world.settle(coordinator);

    const run = await world.store.getRun(runId);
    expect(run?.status).toBe('succeeded');
    expect(world.log.types(runId)).toEqual([
      'approved',
      'execution_started',
      'step_started',
      'step_done',
      'step_started',
      'step_done',
      'verifying',
      'verified',
      'reports_ready',
      'succeeded',
    ]);
    expect(world.cluster.writes).toEqual([
      { runId, step: 1, component: 'checkout-api' },
      { runId, step: 2, component: 'checkout-worker' },
    ]);
    expect(world.chat.reports).toEqual([
      { runId, report: 'verification' },
      { runId, report: 'root_cause' },
    ]);
    expect(world.log.of('step_done', runId).map((e) => `${e.step.index}/${e.of}`)).toEqual(['1/2', '2/2']);
    expect(await world.store.runLease(runId)).toBeUndefined(); // released once finished
    expect((await world.store.getDeployment('deploy-12345'))?.status).toBe('rolled_back');
  });

  it('a second pass (another replica, a retried click) does nothing more', async () => {
    const a = world.coordinator('replica-a');
    const b = world.coordinator('replica-b');
    const runId = await approved();
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.idle(), b.idle()]);
    await world.settle(b);
    expect(world.cluster.calls.filter((c) => c.runId === runId)).toHaveLength(2);
    expect(world.log.of('execution_started', runId)).toHaveLength(1);
  });

  it('fails on a failed step, says which steps were not done and where components were left', async () => {
    world.cluster.fail(2, 'deployments.apps "checkout-worker" is forbidden');
    const coordinator = world.coordinator();
    const runId = await approved();
    await world.settle(coordinator);
    expect((await world.store.getRun(runId))?.status).toBe('failed');
    expect(world.log.types(runId)).toEqual([
      'approved',
      'execution_started',
      'step_started',
      'step_done',
      'step_started',
      'step_failed',
      'reports_ready',
      'failed',
    ]);
    const [failed] = world.log.of('failed', runId);
    expect(failed).toMatchObject({ cause: 'step_failed', error: 'step 2 failed: deployments.apps "checkout-worker" is forbidden' });
    expect(failed?.components).toEqual([
      { component: 'checkout-api', images: [TARGET_IMAGE('checkout-api')], revision: 5, at: 'target' },
      { component: 'checkout-worker', images: [FAILED_IMAGE('checkout-worker')], revision: 5, at: 'start' },
    ]);
    expect(world.chat.reports).toEqual([{ runId, report: 'root_cause' }]);
  });

  it('fails when verification fails, with the verification report', async () => {
    world.cluster.verification = 'Failed';
    const coordinator = world.coordinator();
    const runId = await approved();
    await world.settle(coordinator);
    expect((await world.store.getRun(runId))?.status).toBe('failed');
    expect(world.log.of('verified', runId)).toMatchObject([{ phase: 'Failed', passed: 0, failed: 1 }]);
    expect(world.log.of('failed', runId)).toMatchObject([{ cause: 'verification_failed' }]);
    expect(world.chat.reports.map((r) => r.report)).toEqual(['verification', 'root_cause']);
    expect((await world.store.getDeployment('deploy-12345'))?.status).toBe('failed');
  });

  // Whoever sees a run final (the report route, a poller, a replica taking over) sees its cause:
  // the root cause (and the failed deployment's rollback mark) is stored before the last move, never after it.
  it.each([
    ['succeeded', () => {}],
    ['failed', () => world.cluster.fail(2, 'deployments.apps "checkout-worker" is forbidden')],
    [
      'failed',
      () => {
        world.cluster.verification = 'Failed';
      },
    ],
  ] as const)('is %s only once its root cause, and a rolled-back deployment its mark, is stored', async (final, arrange) => {
    arrange();
    const seenAtFinalMove: Array<{ to: string; rootCause: boolean; deployment: string }> = [];
    const transition = world.store.transition.bind(world.store);
    world.store.transition = async (runId, from, to, ...rest) => {
      if (to === 'succeeded' || to === 'failed')
        seenAtFinalMove.push({
          to,
          rootCause: Boolean((await world.store.getRun(runId))?.rootCause),
          deployment: (await world.store.getDeployment('deploy-12345'))?.status ?? '',
        });
      return transition(runId, from, to, ...rest);
    };
    const coordinator = world.coordinator();
    const runId = await approved();
    await world.settle(coordinator);
    expect((await world.store.getRun(runId))?.status).toBe(final);
    // A rolled-back deployment is marked before the run says succeeded; a failed rollback leaves it failed.
    expect(seenAtFinalMove).toEqual([{ to: final, rootCause: true, deployment: final === 'succeeded' ? 'rolled_back' : 'failed' }]);
  });

  it('drifted: executes nothing, ends the run and reports what changed', async () => {
    const coordinator = world.coordinator();
    const runId = await approved();
    world.cluster.set('checkout-api', ['registry.example/checkout-api:hotfix']);
    await world.settle(coordinator);
    expect((await world.store.getRun(runId))?.status).toBe('cancelled');
    expect(world.cluster.calls).toEqual([]);
    const [drifted] = world.log.of('drifted', runId);
    expect(drifted?.changes).toEqual(['checkout-api runs registry.example/checkout-api:hotfix (was registry.example/checkout-api:v1.2.1)']);
    // The refreshed plan is the coordinator's job, not execution's: it was asked for (and, here, refused or made).
    expect(world.log.of('replanned', runId).length + world.log.of('replan_failed', runId).length).toBe(1);
    expect((await world.store.timeline(runId)).map((e) => e.type)).toContain('drift');
  });

  it('an unreadable cluster at execution time counts as drift: nothing runs', async () => {
    const coordinator = world.coordinator();
    const runId = await approved();
    world.cluster.unreadable = true;
    await world.settle(coordinator);
    expect(world.log.of('drifted', runId)[0]?.changes[0]).toMatch(/could not be read/);
    expect(world.cluster.calls).toEqual([]);
  });
});

describe('cancel', () => {
  it('withdraws a waiting plan: requester may, nothing runs', async () => {
    const run = await world.createRun();
    expect(await requestCancel(world.deps, run.id, run.requestedBy)).toEqual({ kind: 'cancelled', runId: run.id });
    expect((await world.store.getRun(run.id))?.status).toBe('cancelled');
    expect(world.log.of('cancelled', run.id)).toMatchObject([{ was: 'awaiting_approval', why: 'requested', stepsDone: [], components: [] }]);
    await world.settle(world.coordinator());
    expect(world.cluster.calls).toEqual([]);
  });

  it('withdraws an approved run the coordinator has not started', async () => {
    const runId = await approved();
    expect(await requestCancel(world.deps, runId, APPROVER)).toEqual({ kind: 'cancelled', runId });
    await world.settle(world.coordinator());
    expect(world.cluster.calls).toEqual([]);
    expect(world.log.types(runId)).toEqual(['approved', 'cancelled']);
  });

  it('stops an executing run before its next step and says where components were left', async () => {
    const coordinator = world.coordinator();
    const gate = world.cluster.hold(1);
    const runId = await approved();
    const settled = world.settle(coordinator);
    await gate.started;
    expect(await requestCancel(world.deps, runId, APPROVER)).toEqual({ kind: 'stopping', runId });
    expect((await world.store.getRun(runId))?.status).toBe('executing'); // intent only
    gate.release();
    await settled;

    expect((await world.store.getRun(runId))?.status).toBe('cancelled');
    expect(world.cluster.calls.map((c) => c.step)).toEqual([1]); // step 2 never ran
    expect(world.log.types(runId)).toEqual(['approved', 'execution_started', 'step_started', 'cancel_requested', 'step_done', 'cancelled']);
    const [cancelled] = world.log.of('cancelled', runId);
    expect(cancelled).toMatchObject({ actor: APPROVER, was: 'executing', why: 'requested' });
    expect(cancelled?.stepsDone.map((s) => s.index)).toEqual([1]);
    expect(cancelled?.stepsNotDone.map((s) => s.index)).toEqual([2]);
    expect(cancelled?.components.map((c) => `${c.component}:${c.at}`)).toEqual(['checkout-api:target', 'checkout-worker:start']);
  });

  it('is refused to someone who is neither requester nor approver, and for finished or verifying runs', async () => {
    const run = await world.createRun();
    const stranger = makeActor({ id: 'U0STRANGER', name: 'eve' });
    expect(await requestCancel(world.deps, run.id, stranger)).toMatchObject({ kind: 'refused', reason: 'not_allowed' });
    expect((await world.store.getRun(run.id))?.status).toBe('awaiting_approval');
    // A member of an approver group may.
    expect(await requestCancel(world.deps, run.id, makeActor({ id: 'U0ONCALL' }))).toMatchObject({ kind: 'cancelled' });
    expect(await requestCancel(world.deps, run.id, APPROVER)).toMatchObject({
      kind: 'refused',
      reason: 'not_cancellable',
      message: expect.stringContaining('already cancelled'),
    });
    expect(await requestCancel(world.deps, 'rb-nope', APPROVER)).toMatchObject({ kind: 'refused', reason: 'not_found' });
    const verifying = await world.createRun({ status: 'verifying', plan: { service: 'other' } });
    expect(await requestCancel(world.deps, verifying.id, APPROVER)).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('being verified'),
    });
  });
});

describe('periodic work', () => {
  it('expires a plan past its deadline once, across replicas, and says so', async () => {
    const a = world.coordinator('replica-a');
    const b = world.coordinator('replica-b');
    a.register(expiryJob(world.deps));
    b.register(expiryJob(world.deps));
    const run = await world.createRun();
    await world.settle(a);
    expect(world.log.of('expired')).toEqual([]);
    world.clock.advance(31 * 60_000);
    await Promise.all([world.settle(a), world.settle(b)]);
    expect((await world.store.getRun(run.id))?.status).toBe('expired');
    expect(world.log.of('expired', run.id)).toEqual([{ type: 'expired', runId: run.id, at: at(31), expiresAt: at(30) }]);
  });

  it('reminds approvers once after remindAfterMinutes, and notes the PagerDuty incident', async () => {
    world.fanout.subscribe(
      new IncidentNotesSubscriber({ incidents: world.incidents, chat: world.chat, catalog: world.deps.catalog, logger: quietLogger }),
    );
    const coordinator = world.coordinator();
    coordinator.register(reminderJob(world.deps));
    const run = await world.createRun({ plan: { incident: { id: 'PINC1', title: 'checkout 5xx', triggeredAt: at(0) } } });
    world.clock.advance(4 * 60_000);
    await world.settle(coordinator);
    expect(world.log.of('reminder_due')).toEqual([]);
    world.clock.advance(60_000);
    await world.settle(coordinator);
    expect(world.log.of('reminder_due', run.id)).toEqual([
      {
        type: 'reminder_due',
        runId: run.id,
        at: at(5),
        missing: 1,
        waitedMinutes: 5,
        expiresAt: at(30),
        approvers: [
          { kind: 'user', id: 'U0APPROVE' },
          { kind: 'user', id: 'U0SECOND' },
          { kind: 'user_group', id: 'S0ONCALL' },
        ],
      },
    ]);
    expect(world.incidents.notes).toEqual([{ incidentId: 'PINC1', text: expect.stringMatching(/has waited 5 min for 1 approval\(s\)/) }]);
    world.clock.advance(60_000);
    await world.settle(coordinator);
    expect(world.log.of('reminder_due', run.id)).toHaveLength(1);
  });

  it('shows again a plan whose message was never recorded, once it is older than two leases', async () => {
    const coordinator = world.coordinator();
    coordinator.register(reshowJob(world.deps, 'replica-a', LEASE_MS));
    const run = await world.createRun();
    await world.store.createRun(
      { ...run, id: 'rb-unshown', message: undefined, plan: { ...run.plan, service: 'unshown' } },
      { runId: 'rb-unshown', at: at(0), actor: run.requestedBy, type: 'requested', detail: 'x' },
    );
    await world.settle(coordinator);
    expect(world.chat.posted).toEqual([]);
    world.clock.advance(2 * LEASE_MS);
    await world.settle(coordinator);
    expect(world.chat.posted).toEqual(['rb-unshown']);
    expect((await world.store.getRun('rb-unshown'))?.message).toEqual({ channel: 'C0INCIDENTS', ts: '1.1' });
    expect(world.log.types('rb-unshown')).toEqual(['reshown']);
  });
});

describe('subscribers', () => {
  it('a subscriber that throws or hangs never stops a run', async () => {
    world.fanout.subscribe({
      name: 'broken',
      handle: async () => {
        throw new Error('Slack is down');
      },
    });
    world.fanout.subscribe({ name: 'stuck', handle: () => new Promise(() => undefined) });
    const coordinator = world.coordinator();
    const runId = await approved();
    await world.settle(coordinator);
    expect((await world.store.getRun(runId))?.status).toBe('succeeded');
    expect(quietLogger.warnings).toContain('run event subscriber failed; the run goes on');
    expect(quietLogger.warnings).toContain('run event subscriber did not answer in time; the run goes on');
  }, 60_000);
});

describe('decisions only record intent', () => {
  it('a HIGH plan: the first approval is recorded with how many are missing, the second approves, then the coordinator executes', async () => {
    const coordinator = world.coordinator();
    const run = await world.createRun({ plan: { risk: 'HIGH', requiredApprovals: 2 } });
    expect(await approveRun(world.deps, run.id, APPROVER)).toMatchObject({ kind: 'recorded' });
    expect(world.log.of('approval_recorded', run.id)).toMatchObject([{ actor: APPROVER, missing: 1 }]);
    await world.settle(coordinator);
    expect(world.cluster.calls).toEqual([]);
    expect(await approveRun(world.deps, run.id, makeActor({ id: 'U0SECOND', name: 'carol' }))).toEqual({ kind: 'approved' });
    expect(world.log.of('approved', run.id)).toMatchObject([{ automatic: false, approvals: ['U0APPROVE', 'U0SECOND'] }]);
    await world.settle(coordinator);
    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
  });

  it('a rejection ends the plan with its reason; nothing runs', async () => {
    const { rejectRun } = await import('../../src/core/use-cases/decide.js');
    const run = await world.createRun();
    expect(await rejectRun(world.deps, run.id, APPROVER, 'the error rate recovered')).toEqual({ kind: 'rejected' });
    expect(world.log.of('rejected', run.id)).toMatchObject([{ actor: APPROVER, reason: 'the error rate recovered' }]);
    await world.settle(world.coordinator());
    expect(world.cluster.calls).toEqual([]);
  });

  it('an automatic approval (CI, PagerDuty) is an approved event marked automatic, then executed by the coordinator', async () => {
    const { approveAutomatically } = await import('../../src/core/use-cases/decide.js');
    const coordinator = world.coordinator();
    const run = await world.createRun();
    const pagerDuty = { kind: 'pagerduty' as const, id: 'PINC1' };
    expect(await approveAutomatically(world.deps, run.id, pagerDuty)).toBe(true);
    expect(await approveAutomatically(world.deps, run.id, pagerDuty)).toBe(false); // once
    expect(world.log.of('approved', run.id)).toMatchObject([{ automatic: true, actor: pagerDuty, approvals: [] }]);
    await world.settle(coordinator);
    expect((await world.store.getRun(run.id))?.status).toBe('succeeded');
  });

  it('a click on an expired plan expires it, says so, and approves nothing', async () => {
    const run = await world.createRun();
    world.clock.advance(31 * 60_000);
    expect(await approveRun(world.deps, run.id, APPROVER)).toMatchObject({ kind: 'refused', message: expect.stringContaining('expired') });
    expect(world.log.types(run.id)).toEqual(['expired']);
    expect((await world.store.getRun(run.id))?.status).toBe('expired');
  });
});

describe('cancel during the last step', () => {
  it('stops before verifying: cancelled, every step done, components at their target', async () => {
    const coordinator = world.coordinator();
    const gate = world.cluster.hold(2);
    const runId = await approved();
    const settled = world.settle(coordinator);
    await gate.started;
    expect(await requestCancel(world.deps, runId, APPROVER)).toEqual({ kind: 'stopping', runId });
    gate.release();
    await settled;
    expect((await world.store.getRun(runId))?.status).toBe('cancelled');
    const [cancelled] = world.log.of('cancelled', runId);
    expect(cancelled?.stepsNotDone).toEqual([]);
    expect(cancelled?.components.map((c) => c.at)).toEqual(['target', 'target']);
    expect(world.log.types(runId)).not.toContain('verifying');
  });
});
