// At start, with one process owning the store, every run still in flight was orphaned by a process that died.
import { IN_FLIGHT_STATUSES } from '../run-machine.js';
import { SYSTEM, timelineEvent, type UseCaseDeps } from './deps.js';

/**
 * A plan awaiting approval with no recorded message: the process stopped between storing it and
 * recording where Slack showed it — so it may never have been shown, yet it holds the service's lock.
 * Show it (again): approvals stay exactly-once by compare-and-set, the cluster is re-checked before
 * anything runs, and expiry still applies. Cancelling instead would silently kill a plan people may see.
 */
export async function reshowUnrecordedPlans(deps: UseCaseDeps): Promise<string[]> {
  const waiting = await deps.store.runsInStatus(['awaiting_approval']);
  const shown: string[] = [];
  for (const run of waiting.filter((r) => !r.message)) {
    try {
      const message = await deps.chat.postPlan(run);
      await deps.store.setMessage(run.id, message);
      await deps.store.appendTimeline(timelineEvent(deps, run.id, SYSTEM, 'reshown', 'the bot restarted before recording the plan message: the plan was posted again'));
      shown.push(run.id);
    } catch (error) {
      deps.logger.warn({ err: error, runId: run.id }, 'could not show the plan again; it expires at its deadline');
    }
  }
  return shown;
}

export async function recoverInterruptedRuns(deps: UseCaseDeps): Promise<string[]> {
  const orphans = await deps.store.runsInStatus(IN_FLIGHT_STATUSES);
  const recovered: string[] = [];
  for (const run of orphans) {
    const detail = `the process running it stopped while it was ${run.status}; nothing will re-execute by itself`;
    const won = await deps.store.transition(run.id, [run.status], 'interrupted', timelineEvent(deps, run.id, SYSTEM, 'interrupted', detail));
    if (!won) continue;
    recovered.push(run.id);
    const current = await deps.store.getRun(run.id);
    if (!current) continue;
    const done = current.stepResults.filter((s) => s.status === 'done').map((s) => s.index);
    const note = [
      `:warning: *Rollback interrupted.* The bot stopped while this run was \`${run.status}\`.`,
      done.length > 0 ? `Steps completed before the stop: ${done.join(', ')}.` : 'No step had completed.',
      `Check what the cluster runs now (\`kubectl rollout status\` on ${current.plan.components.join(', ')}), then re-run the command for a fresh plan if a rollback is still needed.`,
    ].join('\n');
    try {
      await deps.chat.postThreadNote(current, note);
      await deps.chat.updatePlan(current);
    } catch (error) {
      deps.logger.warn({ err: error, runId: run.id }, 'could not report the interrupted run in Slack');
    }
  }
  return recovered;
}
