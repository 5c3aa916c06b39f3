// Between the click and the first write, the cluster may have moved on (someone fixed it by hand, a
// new deploy started). Executing a plan made for another state could make things worse: re-read,
// compare with the plan's fingerprint, and on any difference execute nothing and plan afresh.
import { describeDrift, fingerprintState } from '../fingerprint.js';
import type { Run } from '../model.js';
import type { Service } from '../service.js';
import { SYSTEM, timelineEvent, type UseCaseDeps } from './deps.js';
import { requestRollback } from './request-rollback.js';

const STATE_READ_TIMEOUT_MS = 15_000;

/** Returns true when the run may execute; otherwise the run is cancelled and a fresh plan is posted. */
export async function confirmNoDrift(deps: UseCaseDeps, run: Run, service: Service): Promise<boolean> {
  let changes: string[];
  try {
    const state = await deps.provider.currentState(service, AbortSignal.timeout(STATE_READ_TIMEOUT_MS));
    if (fingerprintState(state) === run.plan.fingerprint) return true;
    changes = describeDrift(run.plan.observed, state);
  } catch (error) {
    changes = [`the cluster could not be read to confirm the plan still holds (${error instanceof Error ? error.message.slice(0, 200) : 'error'})`];
  }
  const detail = `not executed: ${changes.join('; ')}`;
  if (!(await deps.store.transition(run.id, ['approved'], 'cancelled', timelineEvent(deps, run.id, SYSTEM, 'drift', detail)))) return false;
  const cancelled = await deps.store.getRun(run.id);
  if (!cancelled) return false;
  await deps.chat.updatePlan(cancelled).catch(() => undefined);
  await deps.chat.postThreadNote(cancelled, [
    ':warning: *Not executed: the cluster changed since this plan was made.*',
    ...changes.map((c) => `• ${c}`),
    'A refreshed plan follows for approval.',
  ].join('\n')).catch(() => undefined);
  await replan(deps, cancelled);
  return false;
}

/** Asks again exactly what was asked, as the original requester, so the same policy applies. */
async function replan(deps: UseCaseDeps, run: Run): Promise<void> {
  try {
    await requestRollback(deps, {
      request: {
        kind: 'rollback', failedDeploymentId: run.plan.failedDeploymentId, dryRun: false, autoApprove: false,
        reason: run.plan.reason,
        ...(run.plan.request?.targetVersion ? { targetVersion: run.plan.request.targetVersion } : {}),
        ...(run.plan.request?.components ? { components: run.plan.request.components } : {}),
      },
      requester: run.requestedBy,
      channel: run.channel,
      ...(run.plan.incident ? { incident: run.plan.incident } : {}),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await deps.chat.postThreadNote(run, `:x: A refreshed plan could not be made: ${reason}`).catch(() => undefined);
  }
}
