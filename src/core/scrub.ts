// Secrets must never reach Slack or a report, even when a crashing app prints them in its log.
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private key redacted]'],
  [/\bxox[abprs]-[A-Za-z0-9-]+/g, '[slack token redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, '[slack token redacted]'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[aws key redacted]'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, '[github token redacted]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, '[jwt redacted]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // scheme://user:password@host → keep the user and host, drop the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/\s@]+):[^@\s]+@/gi, '$1:[redacted]@'],
  [/\b([A-Za-z0-9_.-]*(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*)(\s*[:=]\s*|"\s*:\s*")("?)[^\s"',;&]+/gi, '$1$3$4[redacted]'],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
