// Errors from PagerDuty calls: a message that says which call failed and why, and never carries a
// credential — it is logged, and may be summarized in Slack.

export type PagerDutyErrorKind =
  /** PagerDuty answered with a non-2xx status. */
  | 'http'
  /** No answer: connection refused, reset, DNS. */
  | 'network'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** A 2xx whose body is not what the API documents. */
  | 'invalid_response';

export class PagerDutyError extends Error {
  override readonly name = 'PagerDutyError';
  constructor(
    message: string,
    readonly kind: PagerDutyErrorKind,
    /** The HTTP status, for kind 'http'. */
    readonly status?: number,
    /** PagerDuty's numeric error code (error.code), when the body had one. */
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MAX_DETAIL = 300;

/** Replaces every occurrence of each secret (tokens, routing keys) and bounds the length. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('[redacted]');
  return out.length > MAX_DETAIL ? `${out.slice(0, MAX_DETAIL)}…` : out;
}

/**
 * The useful part of an error body. REST: `{ error: { message, code, errors } }`. Events API:
 * `{ status, message, errors }`. Anything else: nothing (its text may be an HTML page).
 */
export function describeErrorBody(body: unknown): { detail: string; code?: number } {
  if (typeof body !== 'object' || body === null) return { detail: '' };
  const rest = (body as { error?: unknown }).error;
  const source = typeof rest === 'object' && rest !== null ? rest : body;
  const { message, code, errors } = source as { message?: unknown; code?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (typeof message === 'string') parts.push(message);
  if (Array.isArray(errors)) {
    const texts = errors.filter((e): e is string => typeof e === 'string');
    if (texts.length > 0) parts.push(`(${texts.join('; ')})`);
  }
  return { detail: parts.join(' '), ...(typeof code === 'number' ? { code } : {}) };
}

/** Why a status most likely happened, in the operator's terms. */
export function hintFor(status: number): string {
  if (status === 401) return ' Check PAGERDUTY_TOKEN: PagerDuty did not accept it.';
  if (status === 403) return ' The PagerDuty token lacks access to this incident.';
  if (status === 429) return ' PagerDuty is rate limiting this client.';
  return '';
}
