// An emulated PagerDuty on 127.0.0.1: REST API v2 and Events API v2 on one port, reached by the
// real client through a full `url`. It records every request so tests can assert on the wire.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WaitForValue, waitForChange } from '../slack/wait-for-change.js';
import { handleEnqueue } from './fake-pagerduty-events.js';
import { type FakeAnswer, handleRest, restError } from './fake-pagerduty-rest.js';
import { FakePagerDutyState } from './fake-pagerduty-state.js';
import type {
  FakeAlert,
  FakeIncident,
  FakeIncidentSeed,
  FakeLogEntrySeed,
  FakeNote,
  PathPattern,
  RecordedPagerDutyRequest,
} from './fake-pagerduty-types.js';
import { matchesPath } from './fake-pagerduty-types.js';

export const FAKE_EVENTS_PATH = '/v2/enqueue';
const MAX_BODY_BYTES = 1024 * 1024;

export interface StartFakePagerDutyOptions {
  /** The REST API key the fake accepts in `Authorization: Token token=…`. */
  token: string;
  /** When set, the only email accepted in the From header (PagerDuty checks it names a user). */
  from?: string;
  /** Clock (ms) for created_at values. */
  now?: () => number;
}

export interface FailNextOptions {
  /** A JSON body; defaults to PagerDuty's error envelope for the status. */
  body?: unknown;
  /** Sent verbatim as text/html instead of JSON, like a proxy's error page. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface FakePagerDuty {
  readonly baseUrl: string;
  /** What the client gets as its REST base (PAGERDUTY_API_URL). */
  readonly restUrl: string;
  /** The full Events API v2 URL: `<base>/v2/enqueue`. */
  readonly eventsUrl: string;
  readonly notes: readonly FakeNote[];
  readonly alerts: readonly FakeAlert[];
  readonly requests: readonly RecordedPagerDutyRequest[];
  addIncident(seed: FakeIncidentSeed): FakeIncident;
  /** Connects a PagerDuty service to a Slack channel, as the Slack integration does. */
  addSlackConnection(connection: { workspaceId: string; channelId: string; serviceId: string }): void;
  incident(id: string): FakeIncident | undefined;
  /** Appends to an incident's log, e.g. an acknowledge_log_entry after the seed. */
  addLogEntry(incidentId: string, entry: FakeLogEntrySeed): void;
  requestsTo(method: string, path: PathPattern): RecordedPagerDutyRequest[];
  /** Resolves with the first truthy value of `predicate()`; rejects with a dump after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number, label?: string): Promise<WaitForValue<T>>;
  /** The next `times` requests whose path matches answer `status` (checked before auth, like a proxy). */
  failNext(path: PathPattern, status: number, times?: number, options?: FailNextOptions): void;
  /** The next `times` matching requests get no answer until the client gives up or close() is called. */
  stallNext(path: PathPattern, times?: number): void;
  reset(): void;
  describe(): string;
  close(): Promise<void>;
}

export async function startFakePagerDuty(opts: StartFakePagerDutyOptions): Promise<FakePagerDuty> {
  const fake = new FakePagerDutyServer(opts);
  await fake.listen();
  return fake;
}

class FakePagerDutyServer implements FakePagerDuty {
  private readonly state: FakePagerDutyState;
  private readonly server: Server;
  private readonly held = new Set<ServerResponse>();
  private port = 0;

  constructor(opts: StartFakePagerDutyOptions) {
    this.state = new FakePagerDutyState(opts.token, opts.from, opts.now ?? (() => Date.now()));
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get restUrl(): string {
    return this.baseUrl;
  }
  get eventsUrl(): string {
    return `${this.baseUrl}${FAKE_EVENTS_PATH}`;
  }
  get notes(): readonly FakeNote[] {
    return this.state.notes;
  }
  get alerts(): readonly FakeAlert[] {
    return this.state.alerts;
  }
  get requests(): readonly RecordedPagerDutyRequest[] {
    return this.state.requests;
  }

  addIncident(seed: FakeIncidentSeed): FakeIncident {
    return this.state.addIncident(seed);
  }
  incident(id: string): FakeIncident | undefined {
    return this.state.incidents.get(id);
  }
  addSlackConnection(c: { workspaceId: string; channelId: string; serviceId: string }): void {
    this.state.slackConnections.push({
      id: `PSC${this.state.slackConnections.length + 1}`,
      workspaceId: c.workspaceId,
      channelId: c.channelId,
      channelName: c.channelId.toLowerCase(),
      sourceId: c.serviceId,
      sourceType: 'service_reference',
    });
  }
  addLogEntry(incidentId: string, entry: FakeLogEntrySeed): void {
    const incident = this.state.incidents.get(incidentId);
    if (!incident) throw new Error(`Fake PagerDuty has no incident ${incidentId}.`);
    incident.logEntries.push(this.state.logEntry(entry.type, entry.summary, entry.createdAt, entry.agent));
    this.state.changed();
  }
  requestsTo(method: string, path: PathPattern): RecordedPagerDutyRequest[] {
    return this.state.requests.filter((r) => r.method === method.toUpperCase() && matchesPath(path, r.path));
  }
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000, label?: string) {
    return waitForChange(this.state.events, predicate, timeoutMs, () => this.describe(), label);
  }
  failNext(path: PathPattern, status: number, times = 1, options: FailNextOptions = {}): void {
    this.state.failures.push({ pattern: path, status, remaining: times, ...options });
  }
  stallNext(path: PathPattern, times = 1): void {
    this.state.stalls.push({ pattern: path, remaining: times });
  }
  reset(): void {
    this.state.reset();
  }
  describe(): string {
    return this.state.describe();
  }

  close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readText(req);
    let json: unknown;
    let jsonOk = true;
    if (text !== '') {
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        jsonOk = false;
      }
    }
    const headers = flattenHeaders(req);
    const record: RecordedPagerDutyRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: text === '' ? undefined : jsonOk ? json : text,
      at: this.state.nowIso(),
    };
    this.state.record(record);
    const isEvents = url.pathname === FAKE_EVENTS_PATH;

    if (this.state.takeStall(url.pathname)) {
      this.held.add(res);
      res.on('close', () => {
        this.held.delete(res);
        record.abandoned = true;
        this.state.changed();
      });
      return;
    }
    const failure = this.state.takeFailure(url.pathname);
    const answer: FakeAnswer = failure
      ? {
          status: failure.status,
          body: failure.body ?? defaultFailureBody(failure.status, isEvents),
          ...(failure.rawBody !== undefined ? { raw: failure.rawBody } : {}),
          ...(failure.headers ? { headers: failure.headers } : {}),
        }
      : this.route(record, url, json, jsonOk);
    record.status = answer.status;
    send(res, answer);
    this.state.changed();
  }

  private route(record: RecordedPagerDutyRequest, url: URL, json: unknown, jsonOk: boolean): FakeAnswer {
    if (url.pathname === FAKE_EVENTS_PATH) {
      return record.method === 'POST'
        ? handleEnqueue(this.state, json, jsonOk)
        : { status: 405, body: { status: 'invalid event', message: 'Use POST.' } };
    }
    if (!jsonOk) return restError(400, 'Invalid Input Provided', 2001, ['The body is not valid JSON.']);
    return handleRest(this.state, {
      method: record.method,
      path: url.pathname,
      query: url.searchParams,
      headers: record.headers,
      json,
      baseUrl: this.baseUrl,
    });
  }
}

/** What PagerDuty answers for these statuses, so the client's error path sees realistic bodies. */
function defaultFailureBody(status: number, isEvents: boolean): unknown {
  if (isEvents) return { status: status === 429 ? 'throttle event' : 'error', message: `Fake failure (HTTP ${status})` };
  if (status === 429) return { error: { message: 'Rate Limit Exceeded', code: 2020 } };
  if (status === 401) return { error: { message: 'Authentication failed', code: 2006 } };
  if (status === 403) return { error: { message: 'Access Denied', code: 2010 } };
  if (status === 404) return { error: { message: 'Not Found', code: 2100 } };
  if (status >= 500) return { error: { message: 'An internal error has occurred. PagerDuty team has been notified.', code: 2000 } };
  return { error: { message: `Fake failure (HTTP ${status})`, code: 2001 } };
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`Fake PagerDuty: body larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  const raw = answer.raw !== undefined;
  const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
  res.writeHead(answer.status, {
    'content-type': raw ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...answer.headers,
  });
  res.end(text);
}
