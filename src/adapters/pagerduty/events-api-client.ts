// Events API v2 (`POST …/v2/enqueue`). Not through pdjs: its `event()` has no `url` option — it
// always builds `https://${server}/v2/enqueue` — so it can reach neither an emulator nor a proxy,
// and pdjs's `api({ url })` would send our REST token along (it always sets Authorization), while
// this API authenticates by the routing key in the body alone. Node's fetch does it in a few lines.
import { setTimeout as sleep } from 'node:timers/promises';
import { abortedError } from './abort.js';
import { PagerDutyError, describeErrorBody, hintFor, redact } from './pagerduty-error.js';

export interface EnqueueRequest {
  eventsUrl: string;
  body: Record<string, unknown>;
  signal: AbortSignal;
  /**
   * Waits before each retry after a 429, a 5xx or a network error, as PagerDuty's Events API
   * documentation asks. Safe because a trigger with the same dedup_key lands on the same alert.
   */
  retryDelaysMs: readonly number[];
  /** Never to appear in an error message (the routing key, and the REST token for good measure). */
  secrets: readonly string[];
}

export interface EnqueueResult {
  status: number;
  dedupKey?: string;
}

export async function enqueueEvent(req: EnqueueRequest): Promise<EnqueueResult> {
  const path = safePath(req.eventsUrl);
  const what = `PagerDuty Events API POST ${path}`;
  const payload = JSON.stringify(req.body);
  for (let attempt = 0; ; attempt += 1) {
    if (req.signal.aborted) throw abortedError(what, req.signal);
    const retryAfter = req.retryDelaysMs[attempt];
    let failure: PagerDutyError;
    try {
      const res = await fetch(req.eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'smartspec-rollback' },
        body: payload,
        signal: req.signal,
      });
      const text = await res.text();
      const body = parseJson(text);
      if (res.ok) {
        const dedupKey = (body as { dedup_key?: unknown } | undefined)?.dedup_key;
        return { status: res.status, ...(typeof dedupKey === 'string' ? { dedupKey } : {}) };
      }
      const { detail } = describeErrorBody(body);
      failure = new PagerDutyError(
        redact(`${what} failed: HTTP ${res.status}${detail ? ` ${detail}` : ''}.${hintFor(res.status)}`, req.secrets),
        'http',
        res.status,
      );
      if (!(res.status === 429 || res.status >= 500)) throw failure;
    } catch (error) {
      if (req.signal.aborted) throw abortedError(what, req.signal);
      if (error instanceof PagerDutyError) throw error;
      failure = new PagerDutyError(redact(`${what} failed: ${messageOf(error)}.`, req.secrets), 'network', undefined, undefined, { cause: error });
    }
    if (retryAfter === undefined) throw failure;
    try {
      await sleep(retryAfter, undefined, { signal: req.signal });
    } catch {
      throw abortedError(what, req.signal);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** fetch wraps the socket error in `cause`; that is the part worth reading. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}
