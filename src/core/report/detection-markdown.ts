// The "Issue Detection" section of the Markdown plan: every detection query measured at planning,
// as a table, breached first, so a reader sees why the rollback was proposed before its steps.
import type { DetectionReport } from '../detection-report.js';
import { summarizeDetection } from './detection-summary.js';
import { mdCell, mdTable, mdText } from './markdown-kit.js';

const MARK = { breached: '❌ breached', unknown: '❔ unknown', ok: '✅ ok' } as const;

export function detectionMarkdown(report: DetectionReport): string[] {
  const summary = summarizeDetection(report);
  return [
    '## Issue Detection',
    '',
    `**Severity:** ${mdText(summary.headline)}`,
    '',
    ...mdTable(
      ['', 'query', 'severity', 'now', 'threshold', 'before'],
      summary.rows.map((r) => [MARK[r.status], mdCell(r.name), r.severity, mdCell(r.now), mdCell(r.threshold), mdCell(r.before)]),
    ),
    '',
    `_${mdText(summary.legend)}_`,
    '',
  ];
}
