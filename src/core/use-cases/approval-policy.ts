// Who may approve a run. Any doubt (a group lookup that fails) refuses.
import { isHighRisk } from '../risk.js';
import type { Actor, Run } from '../model.js';
import type { Service } from '../service.js';
import type { ApproverDirectory } from './deps.js';
import type { ApproverRef } from '../coordinator/run-events.js';

export type PolicyVerdict = { allowed: true } | { allowed: false; reason: string };

export async function isApprover(userId: string, service: Service, directory: ApproverDirectory): Promise<PolicyVerdict> {
  const approvers = service.approvals.approvers;
  if (approvers.includes(userId)) return { allowed: true };
  for (const groupId of approvers.filter((id) => id.startsWith('S'))) {
    let members: string[];
    try {
      members = await directory.membersOf(groupId);
    } catch {
      return {
        allowed: false,
        reason: `Could not check membership of approver group ${groupId} with Slack, so the approval is refused. Try again in a minute.`,
      };
    }
    if (members.includes(userId)) return { allowed: true };
  }
  return { allowed: false, reason: `You are not an approver for ${service.name}. Approvers: ${approvers.map(formatApprover).join(', ')}.` };
}

export async function mayApprove(actor: Actor, run: Run, service: Service, directory: ApproverDirectory): Promise<PolicyVerdict> {
  const verdict = await isApprover(actor.id, service, directory);
  if (!verdict.allowed) return verdict;
  if (actor.id === run.requestedBy.id) {
    if (isHighRisk(run.plan.risk)) {
      return {
        allowed: false,
        reason: `This plan is ${run.plan.risk} risk: the requester cannot approve it. Ask ${run.plan.requiredApprovals} other approver(s).`,
      };
    }
    if (!service.approvals.allowSelfApproval) {
      return { allowed: false, reason: 'You requested this rollback; another approver must approve it.' };
    }
  }
  return { allowed: true };
}

/** Slack user-group ids start with S; everything else in the list is a person. */
export function approverRefs(service: Service): ApproverRef[] {
  return service.approvals.approvers.map((id) => ({ kind: id.startsWith('S') ? ('user_group' as const) : ('user' as const), id }));
}

function formatApprover(id: string): string {
  return id.startsWith('S') ? `user group ${id}` : id;
}
