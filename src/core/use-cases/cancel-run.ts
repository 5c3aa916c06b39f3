// Stop a rollback: withdraw a plan that waits (or was approved but not started), or ask an executing
// run to stop before its next step. Only records intent (a compare-and-set, or a timeline entry the
// coordinator reads before each step) and answers at once; the thread says where things were left.
import type { Actor, Run } from '../model.js';
import { isApprover } from './approval-policy.js';
import { actorLabel, publish, timelineEvent, type UseCaseDeps } from './deps.js';

export type CancelOutcome =
  /** The plan was withdrawn; nothing had run. */
  | { kind: 'cancelled'; runId: string }
  /** The run is executing: it stops before its next step. */
  | { kind: 'stopping'; runId: string }
  | { kind: 'refused'; message: string; reason: 'not_found' | 'not_allowed' | 'not_cancellable' };

export async function requestCancel(deps: UseCaseDeps, runId: string, actor: Actor): Promise<CancelOutcome> {
  const run = await deps.store.getRun(runId);
  if (!run) return { kind: 'refused', reason: 'not_found', message: `There is no rollback run ${runId}.` };
  const refusal = await refusalToCancel(deps, run, actor);
  if (refusal) return refusal;

  if (run.status === 'awaiting_approval' || run.status === 'approved') {
    const won = await deps.store.transition(
      run.id,
      ['awaiting_approval', 'approved'],
      'cancelled',
      timelineEvent(deps, run.id, actor, 'cancelled', `withdrawn while ${run.status.replace('_', ' ')}: nothing was executed`),
    );
    if (won) {
      await publish(deps, {
        type: 'cancelled',
        runId: run.id,
        at: deps.clock.now().toISOString(),
        actor,
        was: run.status,
        why: 'requested',
        stepsDone: [],
        stepsNotDone: run.plan.steps.map(({ index, component, description }) => ({ index, component, description })),
        components: [],
      });
      return { kind: 'cancelled', runId: run.id };
    }
    // It moved meanwhile (the coordinator started it, or someone decided): answer for where it is now.
    const now = await deps.store.getRun(run.id);
    if (now?.status !== 'executing') return notCancellable(now ?? run);
  }
  const current = (await deps.store.getRun(run.id)) ?? run;
  if (current.status !== 'executing') return notCancellable(current);
  const timeline = await deps.store.timeline(run.id);
  if (!timeline.some((e) => e.type === 'cancel_requested')) {
    await deps.store.appendTimeline(timelineEvent(deps, run.id, actor, 'cancel_requested', 'asked to stop before the next step'));
    await publish(deps, { type: 'cancel_requested', runId: run.id, at: deps.clock.now().toISOString(), actor });
    deps.nudge?.();
  }
  return { kind: 'stopping', runId: run.id };
}

/** The requester and the service's approvers may cancel; any doubt (a group lookup that fails) refuses. */
async function refusalToCancel(deps: UseCaseDeps, run: Run, actor: Actor): Promise<CancelOutcome | undefined> {
  if (!['awaiting_approval', 'approved', 'executing'].includes(run.status)) return notCancellable(run);
  if (sameActor(actor, run.requestedBy)) return undefined;
  // The API token and the CLI act for the organisation, as they do when they request a rollback.
  if (actor.kind === 'api' || actor.kind === 'cli') return undefined;
  const service = deps.catalog.services.get(run.plan.service);
  // A service that left the catalog has no approvers any more: only its requester may cancel.
  const verdict =
    service && actor.kind === 'slack_user'
      ? await isApprover(actor.id, service, deps.directory)
      : { allowed: false as const, reason: 'Only the requester and the approvers may cancel.' };
  if (verdict.allowed) return undefined;
  await deps.store.appendTimeline(timelineEvent(deps, run.id, actor, 'refused', `cancel refused: ${verdict.reason}`));
  return {
    kind: 'refused',
    reason: 'not_allowed',
    message: `Only the requester (${actorLabel(run.requestedBy)}) and the approvers of ${run.plan.service} may cancel this rollback. ${verdict.reason}`,
  };
}

function notCancellable(run: Run): CancelOutcome {
  const why =
    run.status === 'verifying'
      ? 'its steps are done and it is being verified; there is nothing left to stop'
      : `it is already ${run.status.replace('_', ' ')}`;
  return { kind: 'refused', reason: 'not_cancellable', message: `Rollback ${run.id} cannot be cancelled: ${why}.` };
}

function sameActor(a: Actor, b: Actor): boolean {
  return a.kind === b.kind && a.id === b.id;
}
