// Redaction for log lines. pino's own `redact` needs every path spelled out and has no "any depth"
// wildcard, so a token three levels down in an API error's request options would slip through. Here
// every key that names a secret is censored wherever it appears, and every string is scrubbed of
// token and signature shapes (a Slack token inside an error message, a signature in raw headers).
import { stdSerializers } from 'pino';
import { scrubSecrets } from '../../core/scrub.js';

export const CENSOR = '[redacted]';

/**
 * Keys whose values are secrets: tokens, signing and webhook secrets, passwords, authorization and
 * cookie headers, request signatures (x-slack-signature, x-pagerduty-signature), API and private keys.
 */
const SECRET_KEY = /token|secret|passw(or)?d|authorization|signature|cookie|api[-_]?key|private[-_]?key|credential/i;

// Slack signs with `v0=<hex>`, PagerDuty with `v1=<hex>` (several, comma-separated, during rotation).
const SIGNATURE = /\bv[01]=[0-9a-f]{64}\b/gi;

/** Deeper than any object we log; beyond it a value is dropped rather than walked unchecked. */
const MAX_DEPTH = 12;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function scrubText(text: string): string {
  return scrubSecrets(text).replace(SIGNATURE, '[signature redacted]');
}

/** A copy of `value` with secret-named keys censored and every string scrubbed; the input is not changed. */
export function redactValue(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

/** For pino's `formatters.log` and `formatters.bindings`: the logged object, redacted. */
export function redactObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out = redactValue(obj);
  return typeof out === 'object' && out !== null && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    // Errors keep pino's shape ({ type, message, stack, …own fields }) but go through the same walk.
    const source: object = value instanceof Error ? stdSerializers.err(value) : value;
    const json = (source as { toJSON?: unknown }).toJSON;
    // URL, Date, Buffer…: log what JSON.stringify would, scrubbed (a URL may carry ?token=…).
    if (typeof json === 'function' && !(value instanceof Error)) return walk((json as () => unknown).call(source), depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const field: unknown = (source as Record<string, unknown>)[key];
      out[key] =
        isSecretKey(key) && field !== null && typeof field !== 'boolean' && typeof field !== 'number' && field !== undefined
          ? CENSOR
          : walk(field, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
