// A run that cannot go on as planned (the cluster drifted) or that someone retries is planned again
// as a new run: the same request, through the same policy and safety checks. The two runs name each
// other in their audits (`supersedes` on the new plan, `replanned` on the old run).
import { UserError } from '../errors.js';
import type { Actor, Run } from '../model.js';
import { publish, timelineEvent, type UseCaseDeps } from './deps.js';
import { requestRollback } from './request-rollback.js';

export type ReplanOutcome = { kind: 'planned'; run: Run } | { kind: 'refused'; message: string };

/** `requester`: the original requester for drift (so the same policy applies), the person retrying for retry. */
export async function replan(deps: UseCaseDeps, old: Run, why: 'retry' | 'drift', requester: Actor): Promise<ReplanOutcome> {
  try {
    const run = await requestRollback(deps, {
      request: {
        kind: 'rollback',
        failedDeploymentId: old.plan.failedDeploymentId,
        dryRun: false,
        autoApprove: false,
        reason: old.plan.reason,
        ...(old.plan.request?.targetVersion ? { targetVersion: old.plan.request.targetVersion } : {}),
        ...(old.plan.request?.components ? { components: old.plan.request.components } : {}),
        ...(old.plan.request?.strategy ? { strategy: old.plan.request.strategy } : {}),
      },
      requester,
      channel: old.channel,
      supersedes: { runId: old.id, why },
      ...(old.plan.incident ? { incident: old.plan.incident } : {}),
    });
    await deps.store.appendTimeline(timelineEvent(deps, old.id, requester, why === 'retry' ? 'retried' : 'replanned', `planned again as ${run.id}`));
    await publish(deps, { type: 'replanned', runId: old.id, at: deps.clock.now().toISOString(), newRunId: run.id, why, actor: requester });
    return { kind: 'planned', run };
  } catch (error) {
    const message = error instanceof UserError ? error.message : 'the new plan could not be made because of an internal error';
    if (!(error instanceof UserError)) deps.logger.error({ err: error, runId: old.id }, 'planning again failed');
    await publish(deps, { type: 'replan_failed', runId: old.id, at: deps.clock.now().toISOString(), why, error: message });
    return { kind: 'refused', message };
  }
}
