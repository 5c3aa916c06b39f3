// POST /pagerduty/webhook: verify the signature over the raw body, answer 202 at once (PagerDuty
// waits 5 s at most), and act afterwards. Unsigned or wrongly signed requests get 401 and nothing else.
import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import type { IncidentEvent } from '../../core/use-cases/on-incident.js';
import { readBody, sendJson } from '../http/http-kit.js';
import { parsePagerDutyWebhook } from './webhook-event.js';
import { verifyPagerDutySignature } from './webhook-signature.js';

export interface WebhookRouteDeps {
  secret: string | undefined;
  logger: Logger;
  handle(event: IncidentEvent): Promise<unknown>;
}

export function pagerDutyWebhookRoutes(deps: WebhookRouteDeps): CustomRoute[] {
  return [
    {
      path: '/pagerduty/webhook',
      method: ['POST'],
      handler: (req, res) => {
        void (async () => {
          let raw: string;
          try {
            raw = await readBody(req);
          } catch {
            sendJson(res, 413, { error: 'The body is too large.' });
            return;
          }
          const signature = req.headers['x-pagerduty-signature'];
          if (!deps.secret || !verifyPagerDutySignature(raw, Array.isArray(signature) ? signature.join(',') : signature, deps.secret)) {
            sendJson(res, 401, {
              error: deps.secret ? 'Missing or wrong X-PagerDuty-Signature.' : 'PagerDuty webhooks are disabled: set PAGERDUTY_WEBHOOK_SECRET.',
            });
            return;
          }
          const parsed = parsePagerDutyWebhook(raw);
          sendJson(res, 202, { accepted: true });
          if (parsed.kind === 'invalid') {
            deps.logger.warn({ error: parsed.error }, 'signed PagerDuty webhook with an unexpected body; ignored');
            return;
          }
          if (parsed.kind === 'ignored') return;
          const event: IncidentEvent = {
            eventId: parsed.id,
            type: parsed.type,
            occurredAt: parsed.occurredAt,
            incident: {
              id: parsed.incident.id,
              title: parsed.incident.title,
              serviceId: parsed.incident.serviceId,
              ...(parsed.incident.htmlUrl ? { htmlUrl: parsed.incident.htmlUrl } : {}),
              ...(parsed.incident.status ? { status: parsed.incident.status } : {}),
              ...(parsed.incident.urgency ? { urgency: parsed.incident.urgency } : {}),
            },
          };
          // The outcome is logged because PagerDuty already has its 202: this line is the only record
          // that a delivery was acted on, or ignored as a duplicate.
          deps.handle(event).then(
            (outcome) => deps.logger.info({ eventId: event.eventId, incident: event.incident.id, outcome }, 'PagerDuty event handled'),
            (error: unknown) =>
              deps.logger.error({ err: error, eventId: event.eventId, incident: event.incident.id }, 'handling the PagerDuty event failed'),
          );
        })();
      },
    },
  ];
}
