// Sends v3 webhooks the way PagerDuty does: the `{ event: … }` envelope, `X-PagerDuty-Signature`
// with `v1=` HMAC-SHA256 hex of the raw body, `X-Webhook-Id`, and a 5 second answer deadline.
import { createHmac, randomUUID } from 'node:crypto';

export type IncidentWebhookType = 'incident.triggered' | 'incident.acknowledged' | 'incident.resolved';

export interface IncidentWebhookInput {
  eventId: string;
  type: IncidentWebhookType;
  incident: {
    id: string;
    title: string;
    serviceId: string;
    serviceName?: string;
    urgency?: 'high' | 'low';
    htmlUrl?: string;
    number?: number;
  };
  /** ISO 8601. */
  occurredAt: string;
}

/** The body PagerDuty posts; `data` is an `incident` object for these event types. */
export interface PagerDutyWebhookBody {
  event: {
    id: string;
    event_type: string;
    resource_type: string;
    occurred_at: string;
    agent: Record<string, unknown> | null;
    client: Record<string, unknown> | null;
    data: Record<string, unknown>;
  };
}

const STATUS_AFTER: Record<IncidentWebhookType, string> = {
  'incident.triggered': 'triggered',
  'incident.acknowledged': 'acknowledged',
  'incident.resolved': 'resolved',
};

const SUBDOMAIN = 'https://acme.pagerduty.com';
const API = 'https://api.pagerduty.com';

export function buildIncidentWebhook(input: IncidentWebhookInput): PagerDutyWebhookBody {
  const { incident } = input;
  const responder = {
    html_url: `${SUBDOMAIN}/users/PUSER01`,
    id: 'PUSER01',
    self: `${API}/users/PUSER01`,
    summary: 'On-call Engineer',
    type: 'user_reference',
  };
  // A triggered incident is created by its integration; people acknowledge and resolve.
  const service = {
    html_url: `${SUBDOMAIN}/service-directory/${incident.serviceId}`,
    id: incident.serviceId,
    self: `${API}/services/${incident.serviceId}`,
    summary: incident.serviceName ?? incident.serviceId,
    type: 'service_reference',
  };
  const agent = input.type === 'incident.triggered' ? service : responder;
  return {
    event: {
      id: input.eventId,
      event_type: input.type,
      resource_type: 'incident',
      occurred_at: input.occurredAt,
      agent,
      client: input.type === 'incident.triggered' ? { name: 'Events API v2' } : null,
      data: {
        id: incident.id,
        type: 'incident',
        self: `${API}/incidents/${incident.id}`,
        html_url: incident.htmlUrl ?? `${SUBDOMAIN}/incidents/${incident.id}`,
        number: incident.number ?? 1,
        status: STATUS_AFTER[input.type],
        incident_key: randomUUID().replaceAll('-', ''),
        created_at: input.occurredAt,
        title: incident.title,
        service,
        assignees: input.type === 'incident.resolved' ? [] : [responder],
        escalation_policy: {
          html_url: `${SUBDOMAIN}/escalation_policies/PPOL001`,
          id: 'PPOL001',
          self: `${API}/escalation_policies/PPOL001`,
          summary: 'Default',
          type: 'escalation_policy_reference',
        },
        teams: [],
        priority: null,
        urgency: incident.urgency ?? 'high',
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}

/** The `X-PagerDuty-Signature` value for one secret: `v1=` + hex HMAC-SHA256 of the raw body. */
export function signPagerDutyWebhook(secret: string, rawBody: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export type WebhookSignatureMode =
  /** Signed with `secret` (the default). */
  | 'valid'
  /** Signed with a different secret. */
  | 'wrong'
  /** No X-PagerDuty-Signature header. */
  | 'missing'
  /** During a secret rotation PagerDuty sends one `v1=` per secret; ours is the last one here. */
  | 'rotated'
  /** This exact header value. */
  | { header: string };

export interface SendWebhookOptions {
  url: string;
  secret: string;
  /** An object is serialized with JSON.stringify; a string is sent byte for byte. */
  body: PagerDutyWebhookBody | string;
  signature?: WebhookSignatureMode;
  /** PagerDuty repeats it on every delivery attempt of one webhook; defaults to a new UUID. */
  webhookId?: string;
  /** PagerDuty gives up after 5 s and retries later. */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  status: number;
  body: string;
  rawBody: string;
  headers: Record<string, string>;
}

export async function sendWebhook(opts: SendWebhookOptions): Promise<WebhookDelivery> {
  const rawBody = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'PagerDuty-Webhook/V3.0',
    'x-webhook-id': opts.webhookId ?? randomUUID(),
    'x-webhook-subscription': 'PSUBSCR',
  };
  const signature = signatureHeader(opts.signature ?? 'valid', opts.secret, rawBody);
  if (signature !== undefined) headers['x-pagerduty-signature'] = signature;
  const res = await fetch(opts.url, {
    method: 'POST',
    headers,
    body: rawBody,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
  });
  return { status: res.status, body: await res.text(), rawBody, headers };
}

function signatureHeader(mode: WebhookSignatureMode, secret: string, rawBody: string): string | undefined {
  if (mode === 'missing') return undefined;
  if (mode === 'valid') return signPagerDutyWebhook(secret, rawBody);
  if (mode === 'wrong') return signPagerDutyWebhook(`${secret}-not-it`, rawBody);
  if (mode === 'rotated') return `${signPagerDutyWebhook('the-previous-secret', rawBody)},${signPagerDutyWebhook(secret, rawBody)}`;
  return mode.header;
}
