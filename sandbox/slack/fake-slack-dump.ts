import type { FakeSlackWorkspace } from './fake-slack-workspace.js';

const MAX_LINES_PER_SECTION = 40;

function clip(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function section(title: string, lines: string[]): string {
  if (lines.length === 0) return `${title}: none`;
  const shown = lines.slice(-MAX_LINES_PER_SECTION);
  const skipped = lines.length - shown.length;
  const header = [`${title} (${lines.length}):`, ...(skipped > 0 ? [`  … ${skipped} earlier`] : [])];
  return [...header, ...shown].join('\n');
}

function blockTypes(blocks: Array<Record<string, unknown>>): string {
  return blocks.length === 0 ? '' : ` [${blocks.map((b) => String(b.type)).join(',')}]`;
}

/** A readable dump of what the fake recorded, for timeout messages and debugging. */
export function describeRecorded(ws: FakeSlackWorkspace): string {
  return [
    section(
      'API calls',
      ws.calls.map((c) => `  ${c.method} → ${c.ok ? 'ok' : `${c.error ?? 'error'} (HTTP ${c.httpStatus})`}`),
    ),
    section(
      'Messages',
      ws.messages.map(
        (m) =>
          `  ${m.channel} ${m.ts}${m.thread_ts && m.thread_ts !== m.ts ? ` ↳${m.thread_ts}` : ''}` +
          `${m.deleted ? ' (deleted)' : ''}${m.history.length ? ` (edited ×${m.history.length})` : ''}: ` +
          `${clip(m.text)}${blockTypes(m.blocks)}`,
      ),
    ),
    section(
      'Ephemerals',
      ws.ephemerals.map((e) => `  ${e.channel} → ${e.user} ${e.ts} via ${e.via}: ${clip(e.text)}${blockTypes(e.blocks)}`),
    ),
    section(
      'Response URLs',
      ws.responses.map((r) => `  ${r.kind} ${r.channel}/${r.user}: ` + (r.posts.map((p) => (p.ok ? 'ok' : p.error)).join(', ') || 'unused')),
    ),
    section(
      'Views',
      ws.views.map((v) => `  ${v.id} for ${v.user} callback_id=${String(v.view.callback_id)}${v.closed ? ' (closed)' : ''}`),
    ),
  ].join('\n');
}
