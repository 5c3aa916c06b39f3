// PagerDuty REST API v2, the part the bot uses: incidents, their notes and their log entries.
import type { FakePagerDutyState } from './fake-pagerduty-state.js';
import { handleLinks } from './fake-pagerduty-links.js';
import type { FakeIncident, FakeNote } from './fake-pagerduty-types.js';

export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent verbatim as text/html instead of `body` as JSON (a proxy's error page). */
  raw?: string;
}

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body; undefined when empty or not JSON. */
  json: unknown;
  baseUrl: string;
}

/** PagerDuty's error envelope: `{ error: { message, code, errors? } }`. */
export function restError(status: number, message: string, code: number, errors?: string[]): FakeAnswer {
  return { status, body: { error: { message, code, ...(errors ? { errors } : {}) } } };
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const LOG_ENTRIES_MAX_LIMIT = 100;
const LOG_ENTRIES_DEFAULT_LIMIT = 25;

export function handleRest(state: FakePagerDutyState, req: RestRequest): FakeAnswer {
  if (req.headers.authorization !== `Token token=${state.token}`) {
    return restError(401, 'Authentication failed', 2006);
  }
  const linked = handleLinks(req, state.incidents, state.slackConnections);
  if (linked) return linked;
  const match = /^\/incidents\/([^/]+)(?:\/(notes|log_entries))?$/.exec(req.path);
  if (!match?.[1]) return restError(404, 'Not Found', 2100);
  const incident = state.incidents.get(decodeURIComponent(match[1]));
  if (!incident) return restError(404, 'Incident Not Found', 5001);
  const sub = match[2];

  if (sub === undefined && req.method === 'GET') return { status: 200, body: { incident: incidentJson(incident, req.baseUrl) } };
  if (sub === 'notes' && req.method === 'GET') {
    const notes = state.notes.filter((n) => n.incidentId === incident.id).map((n) => noteJson(n));
    return { status: 200, body: { notes } };
  }
  if (sub === 'notes' && req.method === 'POST') return createNote(state, incident, req);
  if (sub === 'log_entries' && req.method === 'GET') return listLogEntries(incident, req.query);
  return restError(404, 'Not Found', 2100);
}

/** Error texts and codes as PagerDuty answers them (seen in client libraries' bug reports). */
function createNote(state: FakePagerDutyState, incident: FakeIncident, req: RestRequest): FakeAnswer {
  const from = req.headers.from?.trim();
  if (!from) {
    return restError(400, 'You must specify a user\'s email address in the "From" header to perform this action', 2016);
  }
  if (!EMAIL.test(from)) return restError(400, 'Malformed "From" header', 1028);
  if (state.from !== undefined && from.toLowerCase() !== state.from.toLowerCase()) {
    return restError(400, 'Requester User Not Found', 1008);
  }
  const content = noteContent(req.json);
  if (content === undefined) {
    return restError(400, 'Invalid Input Provided', 2001, ['Note content must be a non-empty string.']);
  }
  const note = state.addNote(incident, content, from);
  return { status: 201, body: { note: noteJson(note) } };
}

function noteContent(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const note = (body as { note?: unknown }).note;
  if (typeof note !== 'object' || note === null) return undefined;
  const content = (note as { content?: unknown }).content;
  return typeof content === 'string' && content.trim() !== '' ? content : undefined;
}

/**
 * Classic offset pagination, as PagerDuty does it. Newest first, so a client that forgets to
 * sort shows a backwards timeline in tests rather than in an incident.
 */
function listLogEntries(incident: FakeIncident, query: URLSearchParams): FakeAnswer {
  const limit = intParam(query.get('limit'), LOG_ENTRIES_DEFAULT_LIMIT);
  const offset = intParam(query.get('offset'), 0);
  if (limit === undefined || offset === undefined || limit < 1 || offset < 0) {
    return restError(400, 'Invalid Input Provided', 2001, ['limit and offset must be non-negative integers.']);
  }
  const effectiveLimit = Math.min(limit, LOG_ENTRIES_MAX_LIMIT);
  const newestFirst = [...incident.logEntries].sort((a, b) => b.created_at.localeCompare(a.created_at));
  const page = newestFirst.slice(offset, offset + effectiveLimit);
  return {
    status: 200,
    body: {
      log_entries: page.map((e) => ({ ...e, incident: { id: incident.id, type: 'incident_reference' } })),
      limit: effectiveLimit,
      offset,
      more: offset + page.length < newestFirst.length,
      total: query.get('total') === 'true' ? newestFirst.length : null,
    },
  };
}

function intParam(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function incidentJson(incident: FakeIncident, baseUrl: string): Record<string, unknown> {
  return {
    id: incident.id,
    type: 'incident',
    summary: `[#${incident.number}] ${incident.title}`,
    self: `${baseUrl}/incidents/${incident.id}`,
    html_url: `https://fake.pagerduty.test/incidents/${incident.id}`,
    incident_number: incident.number,
    title: incident.title,
    status: incident.status,
    urgency: incident.urgency,
    created_at: incident.createdAt,
    incident_key: `fake-${incident.id.toLowerCase()}`,
    service: {
      id: incident.serviceId,
      type: 'service_reference',
      summary: incident.serviceId,
      self: `${baseUrl}/services/${incident.serviceId}`,
    },
  };
}

function noteJson(note: FakeNote): Record<string, unknown> {
  return {
    id: note.id,
    user: { type: 'user_reference', summary: note.from },
    channel: { summary: 'The PagerDuty website or APIs' },
    content: note.content,
    created_at: note.createdAt,
  };
}
