// The last lines a subprocess printed, bounded and scrubbed as they arrive: rollback scripts and helm
// can print without limit, and whatever we keep ends up in Slack, the timeline and the audit report.
import { scrubSecrets } from '../../core/scrub.js';

export interface TailLimits {
  lines: number;
  lineChars: number;
  /**
   * Slack clips a long text at its end, which would cut exactly the last lines (usually the error),
   * so the tail is bounded here by dropping the oldest lines first.
   */
  totalChars: number;
}

export const DEFAULT_TAIL_LIMITS: TailLimits = { lines: 20, lineChars: 300, totalChars: 2_500 };

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences is the point: they are stripped from what Slack shows
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are stripped from what Slack shows
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
const KEY_BEGIN = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const KEY_END = /-----END [A-Z ]*PRIVATE KEY-----/;

export class OutputTail {
  private kept: string[] = [];
  private total = 0;
  private insideKey = false;

  constructor(private readonly limits: TailLimits = DEFAULT_TAIL_LIMITS) {}

  push(raw: string): void {
    // Progress bars redraw with \r: only the last drawing of a line means anything.
    const line = raw
      .slice(raw.lastIndexOf('\r') + 1)
      .replace(ANSI, '')
      .replace(CONTROL, '')
      .trimEnd();
    // scrubSecrets sees one line at a time here, so a PEM block's body lines would escape it.
    if (this.insideKey) {
      if (KEY_END.test(line)) this.insideKey = false;
      return;
    }
    if (KEY_BEGIN.test(line) && !KEY_END.test(line)) this.insideKey = true;
    if (line === '') return;
    this.total++;
    // Scrub before truncating: a secret cut in half no longer matches its pattern.
    const clean = scrubSecrets(line);
    this.kept.push(clean.length > this.limits.lineChars ? `${clean.slice(0, this.limits.lineChars - 1)}…` : clean);
    if (this.kept.length > this.limits.lines) this.kept.shift();
  }

  /** The newest lines, oldest first, within the character budget. */
  lines(): string[] {
    const out: string[] = [];
    let chars = 0;
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const line = this.kept[i]!;
      if (chars + line.length + 1 > this.limits.totalChars) break;
      chars += line.length + 1;
      out.unshift(line);
    }
    return out;
  }

  /** Non-empty lines printed but not in `lines()`. */
  omitted(): number {
    return this.total - this.lines().length;
  }

  /** `output (last 3 of 40 lines):` and the lines, or '' when nothing was printed. */
  format(): string {
    const lines = this.lines();
    if (lines.length === 0) return '';
    const head = this.omitted() > 0 ? `output (last ${lines.length} of ${this.total} lines):` : 'output:';
    return [head, ...lines].join('\n');
  }
}
