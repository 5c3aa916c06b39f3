// Plans nobody decided in time expire, so a forgotten plan cannot hold a service's lock forever.
// Each expiry is an event: the chat adapter takes the buttons off the plan message.
import type { Run } from '../model.js';
import { publish, SYSTEM, timelineEvent, type UseCaseDeps } from './deps.js';

export async function expireStalePlans(deps: Pick<UseCaseDeps, 'store' | 'events' | 'clock'>, service?: string): Promise<Run[]> {
  const now = deps.clock.now().toISOString();
  const waiting = await deps.store.runsInStatus(['awaiting_approval']);
  const expired: Run[] = [];
  for (const run of waiting) {
    if (run.plan.expiresAt >= now || (service !== undefined && run.plan.service !== service)) continue;
    const won = await deps.store.transition(
      run.id,
      ['awaiting_approval'],
      'expired',
      timelineEvent(deps, run.id, SYSTEM, 'expired', `plan expired at ${run.plan.expiresAt} without enough approvals`),
    );
    if (!won) continue;
    await publish(deps, { type: 'expired', runId: run.id, at: deps.clock.now().toISOString(), expiresAt: run.plan.expiresAt });
    const updated = await deps.store.getRun(run.id);
    if (updated) expired.push(updated);
  }
  return expired;
}

/**
 * Before planning a service: its plan past its deadline expires now rather than at the next sweep,
 * so it cannot block the new one. A plan waiting for approval holds the service, so it is the
 * service's active run: one indexed read, not every waiting plan of every service.
 */
export async function expireStalePlanOf(
  deps: Pick<UseCaseDeps, 'store' | 'events' | 'clock'>,
  service: { name: string; environment: string },
): Promise<void> {
  const active = await deps.store.activeRunFor(service.name, service.environment);
  if (active?.status !== 'awaiting_approval' || active.plan.expiresAt >= deps.clock.now().toISOString()) return;
  const won = await deps.store.transition(
    active.id,
    ['awaiting_approval'],
    'expired',
    timelineEvent(deps, active.id, SYSTEM, 'expired', `plan expired at ${active.plan.expiresAt} without enough approvals`),
  );
  if (won) await publish(deps, { type: 'expired', runId: active.id, at: deps.clock.now().toISOString(), expiresAt: active.plan.expiresAt });
}
