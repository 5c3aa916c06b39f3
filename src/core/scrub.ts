// Secrets must never reach Slack or a report, even when a crashing app prints them in its log.
// Every output path (thread blocks, Markdown report, CLI tree) runs its text through here again last,
// so a second pass must change nothing and must not eat the markup around a value.
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private key redacted]'],
  [/\bxox[abprse]-[A-Za-z0-9-]+/g, '[slack token redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, '[slack token redacted]'],
  [/https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g, '[slack webhook redacted]'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[aws key redacted]'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, '[github token redacted]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, '[github token redacted]'],
  [/\bglpat-[A-Za-z0-9_-]{16,}/g, '[gitlab token redacted]'],
  [/\bnpm_[A-Za-z0-9]{30,}\b/g, '[npm token redacted]'],
  [/\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b/g, '[stripe key redacted]'],
  [/\bAIza[A-Za-z0-9_-]{35}\b/g, '[google key redacted]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, '[jwt redacted]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // scheme://user:password@host → keep the user and host, drop the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*):[^@\s]+@/gi, '$1:[redacted]@'],
];

const KEY = '(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)';

/**
 * `key=value` secrets. Raw text (logs, events) loses everything up to the next separator, backticks
 * included; rendered text (our own Markdown and mrkdwn) keeps a backtick, which closes a code span.
 */
function keyValuePatterns(value: string): Array<[RegExp, string]> {
  return [
    // Azure / .NET connection strings: AccountKey=…; SharedAccessKey=…
    [new RegExp(`\\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig)=[^;&\\s"'${value}]+`, 'gi'), '$1=[redacted]'],
    [new RegExp(`\\b([A-Za-z0-9_.-]*${KEY}[A-Za-z0-9_.-]*)(\\s*[:=]\\s*|"\\s*:\\s*")("?)[^\\s"',;&${value}]+`, 'gi'), '$1$3$4[redacted]'],
  ];
}

/** A configuration key whose value must not be shown (ConfigMap diffs): DB_PASSWORD, apiKey, client-secret… */
export function looksSecret(key: string, value = ''): boolean {
  return new RegExp(KEY, 'i').test(key) || scrubSecrets(value) !== value;
}

const RAW = [...PATTERNS, ...keyValuePatterns('')];
const RENDERED = [...PATTERNS, ...keyValuePatterns('`')];

export type ScrubMode = 'raw' | 'rendered';

/**
 * 'raw' for text from outside, before anything formats it; 'rendered' for a last pass over our own
 * output, where the text was already scrubbed raw and only markup may follow a redaction.
 */
export function scrubSecrets(text: string, mode: ScrubMode = 'raw'): string {
  let out = text;
  for (const [pattern, replacement] of mode === 'raw' ? RAW : RENDERED) out = out.replace(pattern, replacement);
  return out;
}

/** Every string inside a JSON-like value, scrubbed; the shape is kept, so it fits stored data and Block Kit alike. */
export function scrubDeep<T>(value: T, mode: ScrubMode = 'raw'): T {
  if (typeof value === 'string') return scrubSecrets(value, mode) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, mode)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, mode)])) as T;
  }
  return value;
}
