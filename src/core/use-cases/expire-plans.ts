// Plans nobody decided in time expire, so a forgotten plan cannot hold a service's lock forever.
import type { Run } from '../model.js';
import { SYSTEM, timelineEvent, type UseCaseDeps } from './deps.js';

export async function expireStalePlans(deps: UseCaseDeps, service?: string): Promise<Run[]> {
  const now = deps.clock.now().toISOString();
  const waiting = await deps.store.runsInStatus(['awaiting_approval']);
  const expired: Run[] = [];
  for (const run of waiting) {
    if (run.plan.expiresAt >= now || (service !== undefined && run.plan.service !== service)) continue;
    const won = await deps.store.transition(run.id, ['awaiting_approval'], 'expired', timelineEvent(deps, run.id, SYSTEM, 'expired', `plan expired at ${run.plan.expiresAt} without enough approvals`));
    if (!won) continue;
    const updated = await deps.store.getRun(run.id);
    if (!updated) continue;
    expired.push(updated);
    try {
      await deps.chat.updatePlan(updated);
    } catch (error) {
      deps.logger.warn({ err: error, runId: run.id }, 'could not mark the expired plan in Slack');
    }
  }
  return expired;
}
