// What the fake PagerDuty stores and records. Shapes follow PagerDuty's REST API v2 and Events API v2.

export type FakeIncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface FakeLogEntrySeed {
  /** PagerDuty's log entry type, e.g. trigger_log_entry, acknowledge_log_entry, annotate_log_entry. */
  type: string;
  summary: string;
  /** ISO 8601. */
  createdAt: string;
  /** Who did it (a user's name or an integration); becomes agent.summary. */
  agent?: string;
}

export interface FakeIncidentSeed {
  id: string;
  title: string;
  serviceId: string;
  status?: FakeIncidentStatus;
  /** ISO 8601; defaults to the fake's clock. */
  createdAt?: string;
  urgency?: 'high' | 'low';
  /** Defaults to one trigger_log_entry at createdAt, as PagerDuty writes for a new incident. */
  logEntries?: FakeLogEntrySeed[];
}

export interface FakeLogEntry {
  id: string;
  type: string;
  summary: string;
  created_at: string;
  agent: { type: string; summary: string } | null;
  channel: { type: string };
}

export interface FakeIncident {
  id: string;
  number: number;
  title: string;
  serviceId: string;
  status: FakeIncidentStatus;
  urgency: 'high' | 'low';
  createdAt: string;
  logEntries: FakeLogEntry[];
}

export interface FakeNote {
  id: string;
  incidentId: string;
  content: string;
  /** The From header the note was written with. */
  from: string;
  createdAt: string;
}

/** One accepted Events API v2 event. */
export interface FakeAlert {
  routingKey: string;
  eventAction: 'trigger' | 'acknowledge' | 'resolve';
  dedupKey: string;
  summary?: string;
  source?: string;
  severity?: string;
  customDetails?: Record<string, unknown>;
  links?: Array<{ href: string; text?: string }>;
  /** The whole body as sent. */
  raw: Record<string, unknown>;
  at: string;
}

export interface RecordedPagerDutyRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as Node delivers them. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body was not JSON, or undefined when empty. */
  body: unknown;
  at: string;
  /** Filled in when the answer is sent; undefined while a stalled request is held. */
  status?: number;
  /** A held (stalled) request whose connection closed before an answer: the client gave up. */
  abandoned?: boolean;
}

export type PathPattern = string | RegExp;

export interface FailureRule {
  pattern: PathPattern;
  status: number;
  remaining: number;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface StallRule {
  pattern: PathPattern;
  remaining: number;
}

export function matchesPath(pattern: PathPattern, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}
