// The one place automatic approval is bounded by risk: --auto-approve, API auto-approve and PagerDuty
// autoRollback all pass through approveAutomatically, which asks here first. A withheld plan simply
// stays awaiting approval; the audit and the thread say why.
import { automationVerdict } from '../automation-policy.js';
import type { Actor, AutomationVerdict, Run } from '../model.js';
import { timelineEvent, type UseCaseDeps } from './deps.js';

export function automationVia(actor: Actor): AutomationVerdict['via'] {
  if (actor.kind === 'pagerduty') return 'pagerduty autoRollback';
  if (actor.kind === 'api' || actor.kind === 'cli') return 'api auto-approve';
  return 'auto-approve';
}

/** True when the run must wait for people; then the refusal is already audited and told. */
export async function withheldFromAutomation(deps: UseCaseDeps, runId: string, actor: Actor): Promise<boolean> {
  const run = await deps.store.getRun(runId);
  const service = run && deps.catalog.services.get(run.plan.service);
  if (!run || !service) return true;
  const verdict = run.plan.automation ?? automationVerdict(run.plan, service.approvals, automationVia(actor));
  if (verdict.allowed) return false;
  await deps.store.appendTimeline(timelineEvent(deps, runId, actor, 'auto_approval_withheld', `${verdict.via} withheld: ${verdict.reason}`));
  await tellThread(deps, run, `Not approved automatically (${verdict.via}): ${verdict.reason}.`);
  return true;
}

async function tellThread(deps: UseCaseDeps, run: Run, text: string): Promise<void> {
  try {
    await deps.chat.postThreadNote(run, text);
  } catch (error) {
    deps.logger.warn({ err: error, runId: run.id }, 'could not say in the thread why the plan waits for approvers');
  }
}
