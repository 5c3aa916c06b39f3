// The audit timeline as plain text for the API (and so the CLI and any dashboard): runs recorded
// before the core spoke in data carry Slack markup in their details (`<@U…>`, `<#C…>`, `:emoji:`,
// `&lt;`). Stored rows are never rewritten (they are the audit trail); they are read plainly here.

const USER = /<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g;
const CHANNEL = /<#(C[A-Z0-9]+)(?:\|([^>]*))?>/g;
const GROUP = /<!subteam\^(S[A-Z0-9]+)(?:\|@?([^>]*))?>/g;
const SPECIAL = /<!(here|channel|everyone)(?:\|[^>]*)?>/g;
const LINK = /<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>/g;
// An emoji code stands alone between spaces; `10:30:00` or `a:b:c` ids are left as they are.
const EMOJI = /(^|\s):[a-z][a-z0-9_+-]*:(?=\s|$)/g;
const BOLD = /(^|[\s(])\*([^*\n]+)\*(?=[\s).,;:!?]|$)/g;

export function plainAuditText(text: string): string {
  return text
    .replace(USER, (_m, id: string, name?: string) => `@${name || id}`)
    .replace(CHANNEL, (_m, id: string, name?: string) => `#${name || id}`)
    .replace(GROUP, (_m, id: string, name?: string) => `@${name || id}`)
    .replace(SPECIAL, (_m, which: string) => `@${which}`)
    .replace(LINK, (_m, url: string, label?: string) => (label ? `${label} (${url})` : url))
    .replace(EMOJI, '$1')
    .replace(BOLD, '$1$2')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replace(/^\s+/, '')
    .replace(/ {2,}/g, ' ');
}
