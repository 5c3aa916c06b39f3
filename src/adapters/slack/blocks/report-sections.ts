// Building blocks shared by the thread's report messages: bounded lists that remember what they left
// out, code blocks that text cannot break out of, and the pointer to the full report.
import { reportPath } from '../../../core/report/run-report.js';
import { clip, escapeMrkdwn, LIMITS, section, type Block } from './block-kit.js';

/** Counts what a message left out, so it can say so instead of silently cutting. */
export class Omissions {
  private readonly parts: string[] = [];

  /** The first `max` items; the rest is counted under `what`. */
  take<T>(items: T[], max: number, what: string): T[] {
    this.add(items.length - max, what);
    return items.slice(0, max);
  }

  add(count: number, what: string): void {
    if (count > 0) this.parts.push(`${count} ${what}`);
  }

  get any(): boolean {
    return this.parts.length > 0;
  }

  describe(): string {
    return this.parts.join(', ');
  }
}

/** Lines in a mrkdwn code block: backticks cannot close it, `<!channel>` stays text. */
export function codeBlock(lines: string[]): string {
  return '```' + lines.map((l) => escapeMrkdwn(l).replaceAll('`', "'")).join('\n') + '```';
}

export function fullReportPointer(runId: string): string {
  return `Full report: \`/smartspec_rollback status ${runId}\` or \`GET ${reportPath(runId)}\``;
}

/**
 * `title` and `lines` in as few sections as fit Slack's 3000-character limit, at most `maxBlocks`;
 * lines that do not fit are counted in `omissions` as `what`, never silently dropped.
 */
export function fitSections(title: string, lines: string[], maxBlocks: number, omissions: Omissions, what: string): Block[] {
  const texts: string[] = [];
  let current = title;
  let dropped = 0;
  for (const raw of lines) {
    const line = clip(raw, LIMITS.sectionText - title.length - 2);
    const next = current === '' ? line : `${current}\n${line}`;
    if (dropped > 0) {
      dropped++; // once one line is left out, the rest is too: the order of the lines matters
      continue;
    }
    if (next.length <= LIMITS.sectionText) {
      current = next;
      continue;
    }
    if (texts.length + 1 >= maxBlocks) {
      dropped++;
      continue;
    }
    texts.push(current);
    current = line;
  }
  if (current !== '') texts.push(current);
  omissions.add(dropped, what);
  return texts.map((t) => section(t));
}
