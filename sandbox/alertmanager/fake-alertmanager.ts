// An emulated Alertmanager on 127.0.0.1: the v2 silences API the bot uses (create, list, get,
// expire), with the real server's validation, states and answers. Held to Debian's
// prometheus-alertmanager by test/integration/alertmanager-contract.test.ts.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admitted, type RequiredAuth } from '../peer-auth/required-auth.js';
import { type WaitForValue, waitForChange } from '../slack/wait-for-change.js';
import {
  parseFilter,
  parsePostable,
  type Refusal,
  type SilenceMatcher,
  silenceMatchesFilter,
  type SilenceState,
  stateOf,
  type StoredSilence,
  validateSilence,
} from './silence-rules.js';

const MAX_BODY_BYTES = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FakeSilenceView {
  id: string;
  state: SilenceState;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface RecordedAlertmanagerRequest {
  method: string;
  path: string;
  status: number;
}

export interface FakeAlertmanager {
  readonly url: string;
  readonly requests: readonly RecordedAlertmanagerRequest[];
  /** Every silence ever created, with its state now. */
  silences(): FakeSilenceView[];
  /** Resolves with the first truthy value of `predicate()`; rejects with the silences after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number, label?: string): Promise<WaitForValue<T>>;
  /** The next `times` requests (of `method`, when given) answer 503, like an Alertmanager that is restarting. */
  failNext(times?: number, method?: string): void;
  close(): Promise<void>;
}

export interface StartFakeAlertmanagerOptions {
  now?: () => Date;
  /** Refuse requests without these credentials (401), like an Alertmanager behind basic auth or a token proxy. */
  requireAuth?: RequiredAuth;
}

export async function startFakeAlertmanager(options: StartFakeAlertmanagerOptions = {}): Promise<FakeAlertmanager> {
  const now = options.now ?? (() => new Date());
  const store = new Map<string, StoredSilence>();
  const requests: RecordedAlertmanagerRequest[] = [];
  const events = new EventEmitter();
  const failures: Array<{ method: string | undefined; remaining: number }> = [];
  const takeFailure = (method: string): boolean => {
    const failure = failures.find((f) => f.remaining > 0 && (f.method === undefined || f.method === method));
    if (!failure) return false;
    failure.remaining--;
    return true;
  };

  const view = (s: StoredSilence): FakeSilenceView => ({
    id: s.id,
    state: stateOf(s, now()),
    matchers: s.matchers.map((m) => ({ ...m })),
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
  });
  const gettable = (s: StoredSilence) => ({
    id: s.id,
    status: { state: stateOf(s, now()) },
    updatedAt: s.updatedAt.toISOString(),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: s.endsAt.toISOString(),
    matchers: s.matchers,
    startsAt: s.startsAt.toISOString(),
  });

  const route = async (req: IncomingMessage, url: URL): Promise<Refusal> => {
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/v2/silences' && method === 'GET') {
      const filters: SilenceMatcher[] = [];
      for (const text of url.searchParams.getAll('filter')) {
        const matcher = parseFilter(text);
        if (!matcher) return { status: 400, body: `bad matcher format: ${text}` };
        filters.push(matcher);
      }
      return { status: 200, body: [...store.values()].filter((s) => silenceMatchesFilter(s, filters)).map(gettable) };
    }
    if (url.pathname === '/api/v2/silences' && method === 'POST') return postSilence(req);
    const one = /^\/api\/v2\/silence\/([^/]+)$/.exec(url.pathname);
    if (one && (method === 'GET' || method === 'DELETE')) {
      const id = decodeURIComponent(one[1]!);
      if (!UUID.test(id)) return { status: 422, body: { code: 601, message: `silenceID in path must be of type uuid: "${id}"` } };
      const silence = store.get(id);
      if (!silence) return { status: 404, body: 'silence not found' };
      if (method === 'GET') return { status: 200, body: gettable(silence) };
      expire(silence);
      return { status: 200, body: undefined };
    }
    return { status: 404, body: { code: 404, message: `path ${url.pathname} was not found` } };
  };

  /** silences.Expire: an active silence ends now; a pending one never starts; an expired one stays. */
  const expire = (silence: StoredSilence): void => {
    const at = now();
    const state = stateOf(silence, at);
    if (state === 'expired') return;
    if (state === 'pending') silence.startsAt = at;
    silence.endsAt = at;
    silence.updatedAt = at;
  };

  const postSilence = async (req: IncomingMessage): Promise<Refusal> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/json')
      return { status: 415, body: { code: 415, message: `unsupported media type "${type}", only [application/json] are allowed` } };
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      return {
        status: 400,
        body: { code: 400, message: `parsing silence body from "" failed, because ${error instanceof Error ? error.message : String(error)}` },
      };
    }
    const postable = parsePostable(body);
    if ('status' in postable) return postable;
    const invalid = validateSilence(postable);
    if (invalid) return { status: 400, body: invalid };
    const at = now();
    if (postable.endsAt < at) return { status: 400, body: "Failed to create silence: end time can't be in the past" };
    // A start in the past means "from now" (silences.Set clamps it).
    const startsAt = new Date(Math.max(postable.startsAt.getTime(), at.getTime()));
    if (postable.endsAt <= startsAt) return { status: 400, body: 'Failed to create silence: start time must be before end time' };
    if (postable.id !== undefined) {
      const previous = store.get(postable.id);
      if (!previous) return { status: 404, body: 'silence not found' };
      // Only the end, comment and author of a silence still in force change in place; anything else
      // expires it and creates a new one, as silences.Set does.
      if (stateOf(previous, at) !== 'expired' && sameMatchers(previous.matchers, postable.matchers) && +previous.startsAt === +postable.startsAt) {
        Object.assign(previous, { endsAt: postable.endsAt, comment: postable.comment, createdBy: postable.createdBy, updatedAt: at });
        return { status: 200, body: { silenceID: previous.id } };
      }
      expire(previous);
    }
    const silence: StoredSilence = {
      id: randomUUID(),
      matchers: postable.matchers,
      startsAt,
      endsAt: postable.endsAt,
      updatedAt: at,
      createdBy: postable.createdBy,
      comment: postable.comment,
    };
    store.set(silence.id, silence);
    return { status: 200, body: { silenceID: silence.id } };
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!admitted(options.requireAuth, req, res)) {
      requests.push({ method: req.method ?? 'GET', path: url.pathname, status: 401 });
      events.emit('change');
      return;
    }
    const answer: Promise<Refusal> = takeFailure(req.method ?? 'GET')
      ? Promise.resolve({ status: 503, body: 'Alertmanager is restarting' })
      : route(req, url);
    answer
      .catch((error: unknown) => ({ status: 500, body: error instanceof Error ? error.message : String(error) }))
      .then((a) => {
        requests.push({ method: req.method ?? 'GET', path: url.pathname, status: a.status });
        send(res, a);
        events.emit('change');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const describe = () => `fake Alertmanager silences:\n${JSON.stringify([...store.values()].map(view), null, 2)}`;
  return {
    url,
    requests,
    silences: () => [...store.values()].map(view),
    waitFor: (predicate, timeoutMs = 5000, label) => waitForChange(events, predicate, timeoutMs, describe, label),
    failNext: (times = 1, method) => {
      failures.push({ method: method?.toUpperCase(), remaining: times });
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function sameMatchers(a: SilenceMatcher[], b: SilenceMatcher[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function send(res: ServerResponse, answer: Refusal): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status).end();
    return;
  }
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(answer.body)}\n`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
