// `--incident <id>`: a person says which PagerDuty incident this rollback belongs to, so the incident's
// timeline hears about it (start, outcome) exactly as it does for a rollback PagerDuty itself started.
import { UserError } from '../errors.js';
import type { IncidentRef } from '../model.js';
import type { Service } from '../service.js';
import type { UseCaseDeps } from './deps.js';

const LOOKUP_TIMEOUT_MS = 10_000;

export async function namedIncident(deps: UseCaseDeps, incidentId: string): Promise<IncidentRef> {
  const incidents = deps.incidents;
  if (!incidents?.findIncident) {
    throw new UserError(
      `\`--incident ${incidentId}\` needs PagerDuty, and the bot has no PagerDuty API token (PAGERDUTY_TOKEN). Leave the flag out, or ask an admin to set it.`,
    );
  }
  let found;
  try {
    found = await incidents.findIncident(incidentId, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  } catch (error) {
    // PagerDuty being slow or down must not stop a rollback: the notes are retried on each phase anyway.
    deps.logger.warn({ err: error, incident: incidentId }, 'could not look the named incident up; planning without its title');
    return { id: incidentId, title: `PagerDuty incident ${incidentId}`, triggeredAt: deps.clock.now().toISOString() };
  }
  if (!found)
    throw new UserError(
      `PagerDuty has no incident \`${incidentId}\`. Check the id (it looks like \`Q1ABC2DEF3GHIJ\`); nothing was planned.`,
      undefined,
      'not_found',
    );
  return {
    id: found.id,
    title: found.title,
    triggeredAt: found.createdAt ?? deps.clock.now().toISOString(),
    ...(found.url ? { url: found.url } : {}),
  };
}

/**
 * A person typed the command in a channel the incident tool links to the service (PagerDuty's Slack
 * integration sends the service's incidents there): when exactly one incident of the service is open,
 * this rollback belongs to it. Best effort: PagerDuty being unreachable never stops a rollback.
 */
export async function linkedIncident(deps: UseCaseDeps, service: Service, workspace: string, channel: string): Promise<IncidentRef | undefined> {
  const incidents = deps.incidents;
  const serviceIds = service.pagerduty?.services ?? [];
  if (!incidents?.incidentForChannel || serviceIds.length === 0) return undefined;
  try {
    const found = await incidents.incidentForChannel(workspace, channel, serviceIds, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
    return found
      ? { id: found.id, title: found.title, triggeredAt: found.createdAt ?? deps.clock.now().toISOString(), ...(found.url ? { url: found.url } : {}) }
      : undefined;
  } catch (error) {
    deps.logger.warn(
      { err: error, service: service.name, channel },
      'could not ask PagerDuty which incident this channel belongs to; planning without one',
    );
    return undefined;
  }
}
