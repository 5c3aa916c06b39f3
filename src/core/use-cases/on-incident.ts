// PagerDuty says an incident fired (or moved): find the suspect deployment, decide with the severity
// matrix, and prompt — or, where the service allows it and the matrix says so, roll back at once.
import { decideFromIncident } from '../decision.js';
import { UserError } from '../errors.js';
import type { Actor, Deployment } from '../model.js';
import type { Service } from '../service.js';
import type { UseCaseDeps } from './deps.js';
import { planFromDetection } from './incident-detection.js';
import { requestRollback } from './request-rollback.js';

export interface IncidentEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  incident: { id: string; title: string; serviceId: string; htmlUrl?: string; status?: string; urgency?: string };
  agent?: string;
}

export type IncidentOutcome =
  | { kind: 'duplicate' }
  | { kind: 'unmapped' }
  | { kind: 'no_suspect'; service: string }
  | { kind: 'planned'; runId: string; auto: boolean }
  | { kind: 'refused'; reason: string }
  | { kind: 'noted'; runs: number };

export async function onIncidentEvent(deps: UseCaseDeps, event: IncidentEvent): Promise<IncidentOutcome> {
  deps.correlate?.({ incidentId: event.incident.id });
  if (!(await deps.store.rememberEvent('pagerduty', event.eventId, deps.clock.now().toISOString()))) return { kind: 'duplicate' };
  if (event.type === 'incident.triggered') return onTriggered(deps, event);
  if (event.type === 'incident.acknowledged' || event.type === 'incident.resolved') return onProgress(deps, event);
  return { kind: 'noted', runs: 0 };
}

async function onTriggered(deps: UseCaseDeps, event: IncidentEvent): Promise<IncidentOutcome> {
  const service = [...deps.catalog.services.values()].find((s) => s.pagerduty?.services.includes(event.incident.serviceId));
  if (!service?.pagerduty) return { kind: 'unmapped' };
  const channel = service.channel;
  if (!channel) {
    deps.logger.warn({ service: service.name, incident: event.incident.id }, 'PagerDuty incident for a service without a channel: nothing posted');
    return { kind: 'refused', reason: `service ${service.name} has no channel in the catalog` };
  }
  const suspect = await suspectDeployment(deps, service, event.occurredAt);
  if (!suspect) return { kind: 'no_suspect', service: service.name };
  // Measured beats guessed: with detection queries the matrix classifies from what is breached now.
  if (service.detection && deps.prometheus) return planFromDetection(deps, service, event, suspect, channel);

  // No detection queries: the incident's own title, then its urgency.
  const decision = decideFromIncident(event.incident.title, event.incident.urgency);
  const auto = service.pagerduty.autoRollback && decision.response === 'rollback_immediately';
  const actor: Actor = { kind: 'pagerduty', id: event.incident.id, name: `PagerDuty incident ${event.incident.id}` };
  const incident = {
    id: event.incident.id,
    title: event.incident.title,
    triggeredAt: event.occurredAt,
    decision: `${decision.severity}: ${decision.why} → ${decision.response.replace('_', ' ')}${auto ? ' (automatic: autoRollback is on)' : ''}`,
    ...(event.incident.htmlUrl ? { url: event.incident.htmlUrl } : {}),
  };
  try {
    const run = await requestRollback(deps, {
      request: { kind: 'rollback', failedDeploymentId: suspect.id, dryRun: false, autoApprove: auto, reason: `PagerDuty: ${event.incident.title}` },
      requester: actor,
      channel,
      incident,
    });
    // requestRollback approves automatically only within approvals.maxAutoRisk; above it the plan waits.
    return { kind: 'planned', runId: run.id, auto: run.plan.automation?.allowed === true };
  } catch (error) {
    if (error instanceof UserError) return { kind: 'refused', reason: error.message };
    throw error;
  }
}

/** The newest deployment of the service within its window before the incident: the usual suspect. */
async function suspectDeployment(deps: UseCaseDeps, service: Service, occurredAt: string): Promise<Deployment | undefined> {
  const windowStart = new Date(new Date(occurredAt).getTime() - (service.pagerduty?.windowMinutes ?? 120) * 60_000).toISOString();
  const recent = await deps.store.listDeployments(service.name, service.environment, 20);
  return recent.find((d) => d.createdAt >= windowStart && d.createdAt <= occurredAt && d.status !== 'rolled_back');
}

async function onProgress(deps: UseCaseDeps, event: IncidentEvent): Promise<IncidentOutcome> {
  const runs = await deps.store.runsForIncident(event.incident.id);
  const verb = event.type === 'incident.acknowledged' ? 'acknowledged' : 'resolved';
  for (const run of runs) {
    await deps.events.publish(
      {
        type: 'incident_progress',
        runId: run.id,
        at: deps.clock.now().toISOString(),
        incidentId: event.incident.id,
        change: verb,
        occurredAt: event.occurredAt,
        ...(event.agent ? { by: event.agent } : {}),
      },
      run,
    );
  }
  return { kind: 'noted', runs: runs.length };
}
