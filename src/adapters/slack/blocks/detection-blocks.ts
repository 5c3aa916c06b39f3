// The plan's "Issue detection" section in Slack: the matrix's verdict first, then each query —
// breached, unknown, ok — with its value now, threshold, and the target version's value before.
import type { DetectionReport } from '../../../core/detection-report.js';
import { summarizeDetection, type DetectionRow } from '../../../core/report/detection-summary.js';
import { context, escapeMrkdwn, section, type Block } from './block-kit.js';

const ICON: Record<DetectionRow['status'], string> = { breached: ':x:', unknown: ':grey_question:', ok: ':white_check_mark:' };

export function detectionBlocks(report: DetectionReport): Block[] {
  const summary = summarizeDetection(report);
  const rows = summary.rows.map(
    (r) =>
      `${ICON[r.status]} *${escapeMrkdwn(r.name)}* (${r.severity}): now ${escapeMrkdwn(r.now)} (threshold ${escapeMrkdwn(r.threshold)}) · before ${escapeMrkdwn(r.before)}`,
  );
  return [section([`*Issue detection:* ${escapeMrkdwn(summary.headline)}`, ...rows].join('\n')), context(escapeMrkdwn(summary.legend))];
}
