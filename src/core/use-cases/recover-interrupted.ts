// At start, with one process owning the store, every run still in flight was orphaned by a process that died.
import { IN_FLIGHT_STATUSES } from '../run-machine.js';
import { SYSTEM, timelineEvent, type UseCaseDeps } from './deps.js';

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
