// Approve or reject a plan. Every decision is a compare-and-set: clicks, retries and replicas race
// safely. Deciding only records intent; the coordinator executes an approved run.
import type { Actor, MessageRef, Run } from '../model.js';
import { isApprover, mayApprove } from './approval-policy.js';
import { withheldFromAutomation } from './automation-gate.js';
import { isHighRisk } from '../risk.js';
import { actorLabel, publish, timelineEvent, type UseCaseDeps } from './deps.js';

export type DecisionOutcome =
  | { kind: 'refused'; message: string }
  | { kind: 'recorded'; message: string }
  | { kind: 'approved' }
  | { kind: 'rejected' };

/**
 * `shownIn`: the plan message the click came from. If a stop between posting the plan and recording
 * it left the run without its message, the click says where it is (read once with the decision).
 */
export async function approveRun(deps: UseCaseDeps, runId: string, actor: Actor, shownIn?: MessageRef): Promise<DecisionOutcome> {
  const run = await deps.store.getRun(runId);
  if (!run) return { kind: 'refused', message: `There is no rollback run ${runId}.` };
  if (shownIn && !run.message && run.channel === shownIn.channel) {
    await deps.store.setMessage(run.id, shownIn);
    run.message = shownIn;
  }
  const closed = await refusalForClosedRun(deps, run, actor);
  if (closed) return closed;
  const service = deps.catalog.services.get(run.plan.service);
  if (!service) return { kind: 'refused', message: `Service ${run.plan.service} is no longer in the catalog; nothing was executed.` };

  const verdict = await mayApprove(actor, run, service, deps.directory);
  if (!verdict.allowed) {
    await deps.store.appendTimeline(timelineEvent(deps, run.id, actor, 'refused', `approval refused: ${verdict.reason}`));
    return { kind: 'refused', message: verdict.reason };
  }
  const approval = { userId: actor.id, at: deps.clock.now().toISOString() };
  const added = await deps.store.addApproval(run.id, approval, timelineEvent(deps, run.id, actor, 'approval', 'approved the plan'));
  if (!added) return { kind: 'refused', message: 'You have already approved this rollback.' };
  // Approvals are only ever added while the plan waits: if the ones read above and this one are
  // enough, they are enough now, and the run is not read again. Otherwise one may have arrived
  // meanwhile (two approvers at once), so the stored ones are counted.
  const known = { ...run, approvals: [...run.approvals, approval] };
  const current = missingApprovals(known) <= 0 ? known : await deps.store.getRun(run.id);
  if (!current) return { kind: 'refused', message: `There is no rollback run ${run.id}.` };
  return settleApprovals(deps, current, actor);
}

/**
 * CI and PagerDuty paths: the policy check happened before (autoApprove list, blockers). The run is
 * approved here; the coordinator executes it and reports in the thread.
 */
export async function approveAutomatically(deps: UseCaseDeps, runId: string, actor: Actor): Promise<boolean> {
  // Bounded by approvals.maxAutoRisk: above it the plan waits for people, and says why (automation-gate.ts).
  if (await withheldFromAutomation(deps, runId, actor)) return false;
  const won = await deps.store.transition(runId, ['awaiting_approval'], 'approved', timelineEvent(deps, runId, actor, 'approved', 'auto-approved'));
  if (!won) return false;
  await publish(deps, { type: 'approved', runId, at: deps.clock.now().toISOString(), actor, approvals: [], automatic: true }, won);
  deps.nudge?.(runId, won);
  return true;
}

/** `run`: with this actor's approval among its approvals. */
async function settleApprovals(deps: UseCaseDeps, run: Run, actor: Actor): Promise<DecisionOutcome> {
  const runId = run.id;
  const counting = countingApprovals(run);
  const missing = missingApprovals(run);
  if (missing > 0) {
    await publish(deps, { type: 'approval_recorded', runId, at: deps.clock.now().toISOString(), actor, missing });
    return { kind: 'recorded', message: `Approval recorded. ${missing} more approval(s) needed.` };
  }
  const detail = `approvals: ${run.approvals.map((a) => a.userId).join(', ')}`;
  const won = await deps.store.transition(run.id, ['awaiting_approval'], 'approved', timelineEvent(deps, run.id, actor, 'approved', detail));
  if (!won) return { kind: 'recorded', message: 'Approval recorded; the plan had already been decided.' };
  await publish(
    deps,
    { type: 'approved', runId, at: deps.clock.now().toISOString(), actor, approvals: counting.map((a) => a.userId), automatic: false },
    won,
  );
  deps.nudge?.(runId, won);
  return { kind: 'approved' };
}

/** High-risk plans never count the requester, even where self-approval is allowed. */
function countingApprovals(run: Run): Run['approvals'] {
  return run.approvals.filter((a) => !(a.userId === run.requestedBy.id && isHighRisk(run.plan.risk)));
}

function missingApprovals(run: Run): number {
  return run.plan.requiredApprovals - countingApprovals(run).length;
}

/** Whether `actor` may reject the run now; undefined when they may. Used before asking for a reason. */
export async function refusalToReject(deps: UseCaseDeps, runId: string, actor: Actor): Promise<DecisionOutcome | undefined> {
  const run = await deps.store.getRun(runId);
  if (!run) return { kind: 'refused', message: `There is no rollback run ${runId}.` };
  const closed = await refusalForClosedRun(deps, run, actor);
  if (closed) return closed;
  // The requester may withdraw their own request; anyone else needs to be an approver.
  if (actor.id === run.requestedBy.id) return undefined;
  const service = deps.catalog.services.get(run.plan.service);
  const verdict = service
    ? await isApprover(actor.id, service, deps.directory)
    : { allowed: false as const, reason: 'The service is no longer in the catalog.' };
  if (verdict.allowed) return undefined;
  await deps.store.appendTimeline(timelineEvent(deps, run.id, actor, 'refused', `rejection refused: ${verdict.reason}`));
  return { kind: 'refused', message: verdict.reason };
}

export async function rejectRun(deps: UseCaseDeps, runId: string, actor: Actor, reason?: string): Promise<DecisionOutcome> {
  const refusal = await refusalToReject(deps, runId, actor);
  if (refusal) return refusal;
  const detail = reason ? `rejected: ${reason}` : 'rejected';
  const won = await deps.store.transition(runId, ['awaiting_approval'], 'rejected', timelineEvent(deps, runId, actor, 'rejected', detail));
  if (!won) {
    const updated = await deps.store.getRun(runId);
    return (updated && (await refusalForClosedRun(deps, updated, actor))) ?? { kind: 'refused', message: 'The plan was decided meanwhile.' };
  }
  await publish(deps, { type: 'rejected', runId, at: deps.clock.now().toISOString(), actor, ...(reason ? { reason } : {}) }, won);
  return { kind: 'rejected' };
}

/** A click on a plan that can no longer be decided: say what happened, by whom and when. */
async function refusalForClosedRun(deps: UseCaseDeps, run: Run, actor: Actor): Promise<DecisionOutcome | undefined> {
  if (run.status === 'awaiting_approval') {
    if (deps.clock.now().toISOString() <= run.plan.expiresAt) return undefined;
    const expired = await deps.store.transition(
      run.id,
      ['awaiting_approval'],
      'expired',
      timelineEvent(deps, run.id, actor, 'expired', `plan expired at ${run.plan.expiresAt}`),
    );
    if (expired) await publish(deps, { type: 'expired', runId: run.id, at: deps.clock.now().toISOString(), expiresAt: run.plan.expiresAt }, expired);
    return {
      kind: 'refused',
      message: `This plan expired at ${run.plan.expiresAt}; the cluster may have changed since. Run the command again for a fresh plan.`,
    };
  }
  if (run.plan.dryRun) return { kind: 'refused', message: 'This was a dry run: it cannot be executed. Run the command without --dry-run.' };
  if (run.status === 'blocked') {
    const blockers = run.plan.checks.filter((c) => c.outcome === 'block').map((c) => c.message);
    return { kind: 'refused', message: `This plan is blocked and cannot be executed: ${blockers.join(' ')}` };
  }
  const timeline = await deps.store.timeline(run.id);
  const decisive = [...timeline].reverse().find((e) => e.type === run.status || ['approved', 'rejected', 'expired'].includes(e.type));
  const by = decisive ? ` by ${actorLabel(decisive.actor)} at ${decisive.at}` : '';
  return { kind: 'refused', message: `This rollback was already ${run.status.replace('_', ' ')}${by}. Nothing more was done.` };
}
