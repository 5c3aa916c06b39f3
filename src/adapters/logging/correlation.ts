// Correlation ids that follow the work, not the call chain: code running for a Slack request, an API
// call or a run logs with its requestId/runId without every function passing a child logger along.
// The core logs through a plain Logger port; the logger from createLogger adds these fields itself.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

export interface CorrelationFields {
  requestId?: string;
  runId?: string;
  incidentId?: string;
}

const storage = new AsyncLocalStorage<CorrelationFields>();

const FIELD_NAMES = ['requestId', 'runId', 'incidentId'] as const;
// Ids come from outside (an X-Request-Id header, a button value): keep them short and printable.
const SAFE_ID = /^[A-Za-z0-9._:@/+-]{1,128}$/;

/** Runs `fn` with `fields` added to the correlation fields of the surrounding context. */
export function withCorrelation<T>(fields: CorrelationFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...clean(fields) }, fn);
}

/** Adds fields learnt along the way (the run id once the run exists) to the current context, if any. */
export function addCorrelation(fields: CorrelationFields): void {
  const store = storage.getStore();
  if (store) Object.assign(store, clean(fields));
}

/** The correlation fields of the work in progress; empty outside withCorrelation. */
export function correlationFields(): CorrelationFields {
  return { ...storage.getStore() };
}

/** `base` with the current correlation fields bound, for loggers not made by createLogger. */
export function currentLogger(base: Logger): Logger {
  const fields = storage.getStore();
  if (!fields || Object.keys(fields).length === 0) return base;
  const bound = base.bindings();
  const missing = Object.fromEntries(Object.entries(fields).filter(([key]) => !(key in bound)));
  return Object.keys(missing).length === 0 ? base : base.child(missing);
}

/**
 * For pino's `mixin`: the correlation fields this logger has not bound already (a child logger made
 * with currentLogger, or with an explicit runId), so no line carries a key twice.
 */
export function correlationMixin(_merge: object, _level: number, logger: Logger): object {
  const fields = storage.getStore();
  if (!fields) return {};
  const keys = Object.keys(fields);
  if (keys.length === 0) return {};
  const bound = logger.bindings();
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = fields[key as keyof CorrelationFields];
    if (value !== undefined && !(key in bound)) out[key] = value;
  }
  return out;
}

/** `req-` and 16 hex characters: unique enough to find one request's lines in a day of logs. */
export function newRequestId(): string {
  return `req-${randomBytes(8).toString('hex')}`;
}

/** An id from outside is used only if it is a plausible id; otherwise a fresh one is made. */
export function acceptRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_ID.test(candidate) ? candidate : newRequestId();
}

function clean(fields: CorrelationFields): CorrelationFields {
  const out: CorrelationFields = {};
  for (const name of FIELD_NAMES) {
    const value = fields[name];
    if (typeof value === 'string' && SAFE_ID.test(value)) out[name] = value;
  }
  return out;
}
