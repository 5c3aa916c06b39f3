// Markdown built from text we do not control (log lines, event messages, a typed reason): it must stay
// text. Raw HTML is neutralised, table cells keep their columns, code fences cannot be closed early.

export function mdText(text: string): string {
  return text.replace(/\r?\n/g, ' ').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function mdCell(text: string): string {
  return mdText(text).replaceAll('|', '\\|');
}

/** Inline code whose delimiter is longer than any run of backticks inside it. */
export function mdCode(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

export function mdFence(lines: string[], info = 'text'): string[] {
  const longest = Math.max(2, ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...lines, fence];
}

export function mdTable(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}
