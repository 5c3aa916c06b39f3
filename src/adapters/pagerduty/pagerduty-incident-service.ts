// IncidentService on PagerDuty: notes and log entries through pdjs (REST API v2), alerts through
// the Events API v2. Every call is bounded by the caller's AbortSignal and nothing else.
import { api } from '@pagerduty/pdjs';
import type { IncidentAlert, IncidentLogEntry, IncidentService, IncidentSummary } from '../../core/ports.js';
import { abortedError, untilAborted } from './abort.js';
import { enqueueEvent } from './events-api-client.js';
import { PagerDutyError, describeErrorBody, hintFor, redact } from './pagerduty-error.js';
import {
  type PagerDutyIncident,
  chronological,
  incidentSchema,
  incidentSummarySchema,
  incidentListSchema,
  slackConnectionsPageSchema,
  logEntriesPageSchema,
  toIncidentLogEntry,
} from './rest-schemas.js';

export const DEFAULT_PAGERDUTY_REST_URL = 'https://api.pagerduty.com';
export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const DEFAULT_PAGERDUTY_APP_URL = 'https://app.pagerduty.com';

/** PagerDuty's maximum page size for log entries. */
const LOG_ENTRIES_PAGE = 100;
/** PagerDuty caps summaries at 1024 characters and rejects longer ones: an alert must not be lost to that. */
const MAX_ALERT_SUMMARY = 1024;

export interface PagerDutyIncidentServiceOptions {
  /** REST API key (PAGERDUTY_TOKEN), sent as `Authorization: Token token=…`. */
  token: string;
  /**
   * Email of the PagerDuty user notes are written as (PAGERDUTY_FROM). Account-level API keys
   * need it for every write; a user's own API key acts as that user and may leave it out.
   */
  from?: string;
  /** REST base (PAGERDUTY_API_URL); default https://api.pagerduty.com. */
  restUrl?: string;
  /** Full Events API v2 URL; default https://events.pagerduty.com/v2/enqueue. */
  eventsUrl?: string;
  /** Where the Slack integration's API lives (PAGERDUTY_APP_URL); default https://app.pagerduty.com. */
  appUrl?: string;
  /**
   * pdjs retries a 429 three times, sleeping this long in between on a timer nothing can cancel
   * (its default is 20 s, which holds a shutting-down process that long). Default 2 s.
   */
  rateLimitRetryMs?: number;
  /** Waits between Events API retries (429, 5xx, network). Default [1000, 4000]. */
  eventRetryDelaysMs?: readonly number[];
  /** Upper bound on log entry pages read per timeline() (100 entries each). Default 10. */
  maxLogEntryPages?: number;
}

interface RestCall {
  method: 'GET' | 'POST';
  path: string;
  signal: AbortSignal;
  data?: object;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
  /** Another base than the REST API's (the Slack integration lives on app.pagerduty.com). */
  base?: string;
}

export class PagerDutyIncidentService implements IncidentService {
  private readonly token: string;
  private readonly from: string | undefined;
  private readonly restUrl: string;
  private readonly eventsUrl: string;
  private readonly appUrl: string;
  private readonly rateLimitRetryMs: number;
  private readonly eventRetryDelaysMs: readonly number[];
  private readonly maxLogEntryPages: number;

  constructor(opts: PagerDutyIncidentServiceOptions) {
    if (!opts.token) throw new Error('PagerDutyIncidentService needs a REST API token.');
    this.token = opts.token;
    this.from = opts.from || undefined;
    this.restUrl = httpUrl(opts.restUrl ?? DEFAULT_PAGERDUTY_REST_URL, 'restUrl').replace(/\/+$/, '');
    this.eventsUrl = httpUrl(opts.eventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL, 'eventsUrl');
    this.appUrl = httpUrl(opts.appUrl ?? DEFAULT_PAGERDUTY_APP_URL, 'appUrl').replace(/\/+$/, '');
    this.rateLimitRetryMs = opts.rateLimitRetryMs ?? 2000;
    this.eventRetryDelaysMs = opts.eventRetryDelaysMs ?? [1000, 4000];
    this.maxLogEntryPages = opts.maxLogEntryPages ?? 10;
  }

  async addNote(incidentId: string, text: string, signal: AbortSignal): Promise<void> {
    await this.rest({
      method: 'POST',
      path: `/incidents/${encodeURIComponent(incidentId)}/notes`,
      signal,
      data: { note: { content: text } },
      ...(this.from ? { headers: { From: this.from } } : {}),
    });
  }

  async timeline(incidentId: string, signal: AbortSignal): Promise<IncidentLogEntry[]> {
    const path = `/incidents/${encodeURIComponent(incidentId)}/log_entries`;
    const entries: IncidentLogEntry[] = [];
    let offset = 0;
    for (let page = 0; page < this.maxLogEntryPages; page += 1) {
      const body = await this.rest({ method: 'GET', path, signal, query: { limit: String(LOG_ENTRIES_PAGE), offset: String(offset) } });
      const parsed = logEntriesPageSchema.safeParse(body);
      if (!parsed.success) throw invalidResponse(`GET ${path}`, 'log_entries is missing or not a list');
      for (const raw of parsed.data.log_entries) {
        const entry = toIncidentLogEntry(raw);
        if (entry) entries.push(entry);
      }
      if (!parsed.data.more || parsed.data.log_entries.length === 0) break;
      offset += parsed.data.log_entries.length;
    }
    return chronological(entries);
  }

  async triggerAlert(alert: IncidentAlert, signal: AbortSignal): Promise<void> {
    const summary = alert.summary.length > MAX_ALERT_SUMMARY ? `${alert.summary.slice(0, MAX_ALERT_SUMMARY - 1)}…` : alert.summary;
    await enqueueEvent({
      eventsUrl: this.eventsUrl,
      body: {
        routing_key: alert.routingKey,
        event_action: 'trigger',
        dedup_key: alert.dedupKey,
        client: 'smartspec-rollback',
        payload: { summary, source: alert.source, severity: alert.severity, custom_details: alert.details },
        ...(alert.links && alert.links.length > 0 ? { links: alert.links } : {}),
      },
      signal,
      retryDelaysMs: this.eventRetryDelaysMs,
      secrets: [alert.routingKey, this.token],
    });
  }

  async findIncident(incidentId: string, signal: AbortSignal): Promise<IncidentSummary | undefined> {
    const path = `/incidents/${encodeURIComponent(incidentId)}`;
    let body: unknown;
    try {
      body = await this.rest({ method: 'GET', path, signal });
    } catch (error) {
      if (error instanceof PagerDutyError && error.status === 404) return undefined;
      throw error;
    }
    const parsed = incidentSummarySchema.safeParse(body);
    if (!parsed.success) throw invalidResponse(`GET ${path}`, 'incident is missing or malformed');
    const i = parsed.data.incident;
    return { id: i.id, title: i.title, ...(i.html_url ? { url: i.html_url } : {}), ...(i.created_at ? { createdAt: i.created_at } : {}) };
  }

  /**
   * The open incident whose notifications PagerDuty's Slack integration sends to `channel`: the
   * channel's connections (in Slack workspace `workspace`) to one of `serviceIds`, then the
   * triggered or acknowledged incidents on those services. Exactly one, or undefined: two open
   * incidents make the link ambiguous, and a wrong incident's timeline is worse than none.
   */
  async incidentForChannel(
    workspace: string,
    channel: string,
    serviceIds: readonly string[],
    signal: AbortSignal,
  ): Promise<IncidentSummary | undefined> {
    const linked = new Set<string>();
    const path = `/integration-slack/workspaces/${encodeURIComponent(workspace)}/connections`;
    let offset = 0;
    for (let page = 0; page < this.maxLogEntryPages; page += 1) {
      const parsed = slackConnectionsPageSchema.safeParse(
        await this.rest({ method: 'GET', base: this.appUrl, path, signal, query: { limit: '100', offset: String(offset) } }),
      );
      if (!parsed.success) throw invalidResponse(`GET ${path}`, 'slack_connections is missing or not a list');
      for (const c of parsed.data.slack_connections) {
        if (c.channel_id === channel && c.source_type === 'service_reference' && serviceIds.includes(c.source_id)) linked.add(c.source_id);
      }
      if (!parsed.data.more || parsed.data.slack_connections.length === 0) break;
      offset += parsed.data.slack_connections.length;
    }
    if (linked.size === 0) return undefined;
    const parsed = incidentListSchema.safeParse(
      await this.rest({
        method: 'GET',
        path: '/incidents',
        signal,
        query: { 'service_ids[]': [...linked], 'statuses[]': ['triggered', 'acknowledged'], limit: '2' },
      }),
    );
    if (!parsed.success) throw invalidResponse('GET /incidents', 'incidents is missing or not a list');
    if (parsed.data.incidents.length !== 1) return undefined;
    const i = parsed.data.incidents[0]!;
    return { id: i.id, title: i.title, ...(i.html_url ? { url: i.html_url } : {}), ...(i.created_at ? { createdAt: i.created_at } : {}) };
  }

  /** Not part of the port: lets a use case check an incident is still open before acting on an old webhook. */
  async getIncident(incidentId: string, signal: AbortSignal): Promise<PagerDutyIncident> {
    const path = `/incidents/${encodeURIComponent(incidentId)}`;
    const parsed = incidentSchema.safeParse(await this.rest({ method: 'GET', path, signal }));
    if (!parsed.success) throw invalidResponse(`GET ${path}`, 'incident is missing or malformed');
    const i = parsed.data.incident;
    return {
      id: i.id,
      title: i.title,
      status: i.status,
      serviceId: i.service.id,
      ...(i.urgency ? { urgency: i.urgency } : {}),
      ...(i.html_url ? { htmlUrl: i.html_url } : {}),
    };
  }

  /**
   * One REST call through pdjs. pdjs resolves for every HTTP status (only `ok` tells), rejects
   * with the Response itself (not an Error) when a body is not JSON, and unless `requestTimeout`
   * is 0 starts a timer that times nothing out but is cleared only when an answer arrives, so an
   * abort or a refused connection leaves the process alive for 30 s. Hence: no pdjs timer, the
   * caller's signal for cancellation, and every outcome mapped to a PagerDutyError here.
   */
  private async rest(call: RestCall): Promise<unknown> {
    const what = `PagerDuty ${call.method} ${call.path}`;
    if (call.signal.aborted) throw abortedError(what, call.signal);
    const secrets = [this.token];
    // The fields of pdjs's APIResponse read here (ReturnType<typeof api> picks the wrong overload).
    let res: { ok: boolean; status: number; data: unknown };
    try {
      res = await untilAborted(
        api({
          url: `${call.base ?? this.restUrl}${call.path}`,
          method: call.method,
          token: this.token,
          requestTimeout: 0,
          retryTimeout: this.rateLimitRetryMs,
          signal: call.signal,
          ...(call.data ? { data: call.data } : {}),
          ...(call.headers ? { headers: call.headers } : {}),
          ...(call.query ? { queryParameters: call.query } : {}),
        }),
        call.signal,
        what,
      );
    } catch (error) {
      if (error instanceof PagerDutyError) throw error;
      if (call.signal.aborted) throw abortedError(what, call.signal);
      if (isResponse(error)) {
        // The status is the truth: a created note stays created even if a proxy mangled the body.
        if (error.ok) return undefined;
        const message = `${what} failed: HTTP ${error.status} with a body that is not JSON.${hintFor(error.status)}`;
        throw new PagerDutyError(redact(message, secrets), 'http', error.status);
      }
      const message = `${what} failed: ${error instanceof Error ? error.message : String(error)}.`;
      throw new PagerDutyError(redact(message, secrets), 'network', undefined, undefined, { cause: error });
    }
    if (!res.ok) {
      const { detail, code } = describeErrorBody(res.data);
      const codeText = code !== undefined ? ` [code ${code}]` : '';
      const message = `${what} failed: HTTP ${res.status}${detail ? ` ${detail}` : ''}${codeText}.${hintFor(res.status)}`;
      throw new PagerDutyError(redact(message, secrets), 'http', res.status, code);
    }
    return res.data as unknown;
  }
}

function isResponse(value: unknown): value is { status: number; ok: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'number' && 'ok' in value;
}

function invalidResponse(call: string, why: string): PagerDutyError {
  return new PagerDutyError(`PagerDuty ${call} returned an unexpected body: ${why}.`, 'invalid_response');
}

function httpUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`PagerDutyIncidentService: ${name} is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`PagerDutyIncidentService: ${name} must be http(s).`);
  return value;
}
