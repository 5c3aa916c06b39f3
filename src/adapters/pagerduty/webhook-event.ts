// PagerDuty v3 webhook bodies → typed events. Only incident events whose `data` is an incident
// matter to the bot; PagerDuty sends many other types (notes, responders, services, pings),
// and those parse to "ignored" so the endpoint can still answer 2xx and PagerDuty stops retrying.
import { z } from 'zod';

/** Event types whose `event.data` is an `incident` object (PagerDuty's v3 webhook reference). */
export const INCIDENT_EVENT_TYPES = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.unacknowledged',
  'incident.resolved',
  'incident.reopened',
  'incident.escalated',
  'incident.delegated',
  'incident.reassigned',
  'incident.priority_updated',
] as const;
export type PagerDutyIncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];

export interface PagerDutyIncidentEvent {
  kind: 'incident';
  /** The event id; unique per event, the same on every delivery attempt. */
  id: string;
  type: PagerDutyIncidentEventType;
  /** ISO 8601 in UTC. */
  occurredAt: string;
  incident: {
    id: string;
    title: string;
    serviceId: string;
    serviceName?: string;
    status?: 'triggered' | 'acknowledged' | 'resolved';
    urgency?: 'high' | 'low';
    htmlUrl?: string;
    number?: number;
  };
}

export interface IgnoredPagerDutyEvent {
  kind: 'ignored';
  id: string;
  type: string;
  reason: string;
}

export interface InvalidPagerDutyWebhook {
  kind: 'invalid';
  /** Safe to log and to return in a 400 body: it names fields, never echoes values. */
  error: string;
  issues: Array<{ path: string; message: string }>;
}

export type ParsedPagerDutyWebhook = PagerDutyIncidentEvent | IgnoredPagerDutyEvent | InvalidPagerDutyWebhook;

const MAX_TITLE = 1024;
/** PagerDuty ids are short alphanumerics (PGR0VU2, Q0RIJJZL24RC6W); they end up in URL paths. */
const pagerDutyId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a PagerDuty id');

const envelopeSchema = z.object({
  event: z.object({
    id: z.string().min(1).max(128),
    event_type: z.string().min(1).max(128),
    occurred_at: z.unknown(),
    data: z.unknown(),
  }),
});

// Fields the bot only displays degrade to undefined instead of failing the whole event, so a new
// status or urgency value from PagerDuty never drops an incident.triggered.
const incidentDataSchema = z.object({
  id: pagerDutyId,
  type: z.literal('incident'),
  title: z.string().transform((t) => (t.length > MAX_TITLE ? `${t.slice(0, MAX_TITLE - 1)}…` : t)),
  service: z.object({
    id: pagerDutyId,
    summary: z.string().max(MAX_TITLE).optional().catch(undefined),
  }),
  status: z.enum(['triggered', 'acknowledged', 'resolved']).optional().catch(undefined),
  urgency: z.enum(['high', 'low']).optional().catch(undefined),
  html_url: z
    .url({ protocol: /^https?$/ })
    .optional()
    .catch(undefined),
  number: z.number().int().nonnegative().optional().catch(undefined),
});

const occurredAtSchema = z.iso.datetime({ offset: true });

/** Accepts the parsed JSON body (or its text). Never throws. */
export function parsePagerDutyWebhook(raw: unknown): ParsedPagerDutyWebhook {
  let body = raw;
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    try {
      body = JSON.parse(raw.toString()) as unknown;
    } catch {
      return invalid([{ path: '(body)', message: 'is not valid JSON' }]);
    }
  }
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return invalid(issuesOf(envelope.error, []));
  const event = envelope.data.event;
  if (!isIncidentEventType(event.event_type)) {
    return { kind: 'ignored', id: event.id, type: event.event_type, reason: `event type ${event.event_type} is not handled` };
  }
  const occurredAt = occurredAtSchema.safeParse(event.occurred_at);
  const data = incidentDataSchema.safeParse(event.data);
  const issues = [
    ...(occurredAt.success ? [] : issuesOf(occurredAt.error, ['event', 'occurred_at'])),
    ...(data.success ? [] : issuesOf(data.error, ['event', 'data'])),
  ];
  if (!occurredAt.success || !data.success) return invalid(issues, event.event_type);
  const d = data.data;
  return {
    kind: 'incident',
    id: event.id,
    type: event.event_type,
    occurredAt: new Date(occurredAt.data).toISOString(),
    incident: {
      id: d.id,
      title: d.title,
      serviceId: d.service.id,
      ...(d.service.summary !== undefined ? { serviceName: d.service.summary } : {}),
      ...(d.status !== undefined ? { status: d.status } : {}),
      ...(d.urgency !== undefined ? { urgency: d.urgency } : {}),
      ...(d.html_url !== undefined ? { htmlUrl: d.html_url } : {}),
      ...(d.number !== undefined ? { number: d.number } : {}),
    },
  };
}

function isIncidentEventType(type: string): type is PagerDutyIncidentEventType {
  return (INCIDENT_EVENT_TYPES as readonly string[]).includes(type);
}

function issuesOf(error: z.ZodError, prefix: Array<string | number>): InvalidPagerDutyWebhook['issues'] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path.map(String)].join('.') || '(body)', message: i.message }));
}

function invalid(issues: InvalidPagerDutyWebhook['issues'], eventType?: string): InvalidPagerDutyWebhook {
  const what = eventType ? `PagerDuty ${eventType} webhook` : 'PagerDuty webhook';
  return { kind: 'invalid', error: `The ${what} is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues };
}
