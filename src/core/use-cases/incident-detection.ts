// A PagerDuty incident for a service with detection queries: the severity matrix classifies from the
// measurements the plan takes (what is breached now), not from words in the alert's title. The
// title is the fallback only where no query is configured (on-incident.ts).
import { UserError } from '../errors.js';
import type { Actor, Deployment, IncidentRef } from '../model.js';
import type { Service } from '../service.js';
import { approveAutomatically } from './decide.js';
import type { UseCaseDeps } from './deps.js';
import type { IncidentEvent, IncidentOutcome } from './on-incident.js';
import { requestRollback } from './request-rollback.js';

export async function planFromDetection(
  deps: UseCaseDeps,
  service: Service,
  event: IncidentEvent,
  suspect: Deployment,
  channel: string,
): Promise<IncidentOutcome> {
  const actor: Actor = { kind: 'pagerduty', id: event.incident.id, name: `PagerDuty incident ${event.incident.id}` };
  const incident: IncidentRef = {
    id: event.incident.id,
    title: event.incident.title,
    triggeredAt: event.occurredAt,
    ...(event.incident.htmlUrl ? { url: event.incident.htmlUrl } : {}),
  };
  try {
    const run = await requestRollback(deps, {
      request: { kind: 'rollback', failedDeploymentId: suspect.id, dryRun: false, autoApprove: false, reason: `PagerDuty: ${event.incident.title}` },
      requester: actor,
      channel,
      incident,
    });
    const decision = run.plan.detection?.decision;
    // Roll back without a click only when a measured critical breach says so (and approvals.maxAutoRisk allows it).
    const auto = service.pagerduty?.autoRollback === true && decision?.response === 'rollback_immediately' && run.status === 'awaiting_approval';
    const approved = auto ? await approveAutomatically(deps, run.id, actor) : false;
    return { kind: 'planned', runId: run.id, auto: approved };
  } catch (error) {
    if (error instanceof UserError) return { kind: 'refused', reason: error.message };
    throw error;
  }
}
