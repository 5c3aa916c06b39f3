// Who may ask for what, where: checked before anything is planned, so a refusal touches nothing.
import type { RollbackRequest } from '../command.js';
import { UserError } from '../errors.js';
import { forceRefusal } from '../force.js';
import type { Actor } from '../model.js';
import { componentsOf, type Service } from '../service.js';

export function authorizeRequest(service: Service, request: RollbackRequest, requester: Actor, channel: string | undefined): void {
  const policy = service.approvals;
  const forced = forceRefusal(request, requester);
  if (forced) throw forced;
  // The API token (CI) and PagerDuty act for the organisation; the lists name Slack people and places.
  if (requester.kind === 'slack_user') {
    if (policy.requesters.length > 0 && !policy.requesters.includes(requester.id)) {
      throw new UserError(`You may not request rollbacks of ${service.name}: ask one of ${policy.requesters.join(', ')}.`, undefined, 'policy');
    }
    if (channel && policy.channels.length > 0 && !policy.channels.includes(channel)) {
      throw new UserError(`Rollbacks of ${service.name} are requested in channel ${policy.channels.join(', ')}, not here.`, undefined, 'policy');
    }
    if (request.autoApprove && !policy.autoApprove.includes(requester.id)) {
      throw new UserError(
        `You may not use \`--auto-approve\` on ${service.name}: only ${policy.autoApprove.join(', ') || 'nobody'} may. Ask without it and an approver will decide.`,
        undefined,
        'policy',
      );
    }
  }
  // PagerDuty and CI carry their own reason (the incident, the pipeline); people must give one.
  if (service.reasonRequired && requester.kind === 'slack_user' && !request.reason?.trim()) {
    throw new UserError(
      `Rollbacks of ${service.name} in ${service.environment} need a reason, for the audit and the people approving. Nothing was planned. ` +
        'Add `--reason "<what is broken>"`, e.g. `--reason "checkout 5xx since 10:31"`.',
      undefined,
      'invalid',
    );
  }
  if (requester.kind === 'api' && request.autoApprove && !policy.apiAutoApprove) {
    throw new UserError(
      `--auto-approve through the API is not allowed for ${service.name}: set approvals.apiAutoApprove: true in the catalog, or let an approver decide in Slack.`,
      undefined,
      'policy',
    );
  }
}

/** A partial rollback names catalog components and never a core one alone. */
export function checkPartial(service: Service, components: string[] | undefined): string[] | undefined {
  if (!components) return undefined;
  if (service.target.kind !== 'kubernetes')
    throw new UserError(`\`--component\` works for Kubernetes services; ${service.name} is deployed with ${service.target.kind}.`);
  const known = componentsOf(service);
  const unknown = components.filter((c) => !known.includes(c));
  if (unknown.length > 0)
    throw new UserError(
      `${service.name} has no component ${unknown.map((c) => `\`${c}\``).join(', ')}. Components: ${known.map((c) => `\`${c}\``).join(', ')}.`,
    );
  const core = components.filter((c) => service.target.kind === 'kubernetes' && service.target.core.includes(c));
  if (core.length > 0 && components.length < known.length) {
    throw new UserError(
      `\`${core.join('`, `')}\` is a core component of ${service.name}: it may not be rolled back alone, because the other components depend on its version. Roll back the whole service (no \`--component\`).`,
    );
  }
  return components.length === known.length ? undefined : components;
}
