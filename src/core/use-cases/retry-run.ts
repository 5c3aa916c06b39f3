// Plan a finished run again as a new run: for a failed, interrupted, expired or cancelled rollback.
// The new plan reads the cluster afresh and goes through the same policy and safety checks, as the
// person who retried; both runs' audits name the other.
import type { Actor } from '../model.js';
import type { UseCaseDeps } from './deps.js';
import { replan, type ReplanOutcome } from './replan.js';

export const RETRYABLE_STATUSES = ['failed', 'interrupted', 'expired', 'cancelled'] as const;
// Two clicks on Retry (or two replicas taking the same click) plan once.
const RETRY_GUARD_MS = 30_000;

export async function retryRun(deps: UseCaseDeps, runId: string, actor: Actor): Promise<ReplanOutcome> {
  const run = await deps.store.getRun(runId);
  if (!run) return { kind: 'refused', message: `There is no rollback run ${runId}.` };
  if (!(RETRYABLE_STATUSES as readonly string[]).includes(run.status)) {
    return {
      kind: 'refused',
      message: `Rollback ${run.id} is ${run.status.replace('_', ' ')}: only a failed, interrupted, expired or cancelled rollback can be retried.`,
    };
  }
  if (run.plan.dryRun) return { kind: 'refused', message: 'This was a dry run: run the command again without --dry-run.' };
  const now = deps.clock.now().toISOString();
  if (!(await deps.store.claimJob(`retry:${run.id}`, actor.id, now, RETRY_GUARD_MS))) {
    return { kind: 'refused', message: `Rollback ${run.id} is being retried already; the new plan appears in the channel.` };
  }
  return replan(deps, run, 'retry', actor);
}
