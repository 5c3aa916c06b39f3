// The coordinator's periodic work: expire plans on time, remind approvers once, and show again a
// plan whose message a stopped process never recorded. Each runs once across replicas (job leases).
import { approverRefs } from '../use-cases/approval-policy.js';
import { publish, SYSTEM, timelineEvent, type UseCaseDeps } from '../use-cases/deps.js';
import { expireStalePlans } from '../use-cases/expire-plans.js';
import type { PeriodicJob } from './periodic-work.js';

/** Every 15 s, so an expired plan loses its buttons well within a minute of its deadline. */
export function expiryJob(deps: UseCaseDeps): PeriodicJob {
  return {
    name: 'expire-plans',
    everyMs: 15_000,
    run: async () => {
      await expireStalePlans(deps);
    },
  };
}

/** Plans waiting longer than `approvals.remindAfterMinutes` remind their approvers, once per plan. */
export function reminderJob(deps: UseCaseDeps): PeriodicJob {
  return {
    name: 'remind-approvers',
    everyMs: 30_000,
    run: async () => {
      await remindApprovers(deps);
    },
  };
}

export async function remindApprovers(deps: UseCaseDeps): Promise<string[]> {
  const now = deps.clock.now();
  const reminded: string[] = [];
  for (const run of await deps.store.runsInStatus(['awaiting_approval'])) {
    const service = deps.catalog.services.get(run.plan.service);
    if (!service) continue;
    const waitedMinutes = Math.floor((now.getTime() - Date.parse(run.createdAt)) / 60_000);
    if (waitedMinutes < service.approvals.remindAfterMinutes || run.plan.expiresAt <= now.toISOString()) continue;
    const timeline = await deps.store.timeline(run.id);
    if (timeline.some((e) => e.type === 'reminded')) continue;
    const missing = Math.max(1, run.plan.requiredApprovals - run.approvals.length);
    await deps.store.appendTimeline(timelineEvent(deps, run.id, SYSTEM, 'reminded', `waiting ${waitedMinutes} min for ${missing} approval(s)`));
    await publish(deps, {
      type: 'reminder_due',
      runId: run.id,
      at: now.toISOString(),
      approvers: approverRefs(service),
      missing,
      waitedMinutes,
      expiresAt: run.plan.expiresAt,
    });
    reminded.push(run.id);
  }
  return reminded;
}

/**
 * A plan awaiting approval with no recorded message: a process stopped between storing it and
 * recording where Slack showed it — so it may never have been shown, yet it holds the service's
 * lock. Show it (again), under a lease so one replica does it. A plan younger than two lease
 * periods may still be being posted by the entry point that made it, so it is left alone.
 */
export function reshowJob(deps: UseCaseDeps, owner: string, leaseMs: number): PeriodicJob {
  return {
    name: 'reshow-unrecorded-plans',
    everyMs: Math.max(1_000, Math.floor(leaseMs / 2)),
    run: async () => {
      await reshowUnrecordedPlans(deps, owner, leaseMs);
    },
  };
}

export async function reshowUnrecordedPlans(deps: UseCaseDeps, owner: string, leaseMs: number): Promise<string[]> {
  const shown: string[] = [];
  const now = deps.clock.now();
  const settled = new Date(now.getTime() - 2 * leaseMs).toISOString();
  const waiting = await deps.store.claimableRuns(now.toISOString(), ['awaiting_approval']);
  for (const candidate of waiting.filter((r) => !r.message && r.createdAt <= settled)) {
    const lease = await deps.store.claimRun(candidate.id, owner, deps.clock.now().toISOString(), leaseMs);
    if (!lease) continue;
    try {
      const run = await deps.store.getRun(candidate.id);
      if (!run || run.message || run.status !== 'awaiting_approval') continue;
      const message = await deps.chat.postPlan(run);
      await deps.store.setMessage(run.id, message, lease);
      await deps.store.appendTimeline(
        timelineEvent(deps, run.id, SYSTEM, 'reshown', 'the bot stopped before recording the plan message: the plan was posted again'),
        lease,
      );
      await publish(deps, { type: 'reshown', runId: run.id, at: deps.clock.now().toISOString() });
      shown.push(run.id);
    } catch (error) {
      deps.logger.warn({ err: error, runId: candidate.id }, 'could not show the plan again; trying at the next pass, and it expires at its deadline');
    } finally {
      await deps.store.releaseLease(lease).catch(() => undefined);
    }
  }
  return shown;
}
