// How far the bot may act without people: `approvals.maxAutoRisk` (default MEDIUM) caps what
// --auto-approve, API auto-approve and PagerDuty autoRollback may execute. Above it the plan waits.
import type { AutomationVerdict, RollbackPlan } from './model.js';
import { riskRank } from './risk.js';
import type { ApprovalPolicy } from './service.js';

export function automationVerdict(plan: RollbackPlan, policy: ApprovalPolicy, via: AutomationVerdict['via']): AutomationVerdict {
  const waits = `the plan waits for ${plan.requiredApprovals} approver(s)`;
  if (plan.checks.some((c) => c.outcome === 'block'))
    return { via, allowed: false, reason: `the plan is blocked: nothing runs until the blockers are resolved` };
  if (plan.forced) return { via, allowed: false, reason: `a forced plan always needs people: ${waits}` };
  if (plan.dryRun) return { via, allowed: false, reason: 'a dry run never executes' };
  if (riskRank(plan.risk) > riskRank(policy.maxAutoRisk)) {
    return { via, allowed: false, reason: `risk ${plan.risk} is above approvals.maxAutoRisk ${policy.maxAutoRisk}: ${waits}` };
  }
  return { via, allowed: true, reason: `risk ${plan.risk} is within approvals.maxAutoRisk ${policy.maxAutoRisk}` };
}
