// The detection section of a plan as plain text, shared by the Markdown plan and the chat adapter:
// what is breached first, each query's value now (failed version) against its threshold, and the
// target version's value before the bad deploy. Unknown readings say why; they are never "ok".
import { formatValue } from '../decision.js';
import type { DetectionReport, Measurement, Reading } from '../detection-report.js';

export interface DetectionRow {
  status: Measurement['status'];
  name: string;
  severity: Measurement['severity'];
  /** e.g. "0.124" or "unknown (no data: the query returned no series)". */
  now: string;
  threshold: string;
  before: string;
}

export interface DetectionSummary {
  /** e.g. "CRITICAL → rollback immediately: error rate is 0.124, outside ≤ 0.001 (critical)". */
  headline: string;
  /** Breached first (most severe first), then unknown, then ok. */
  rows: DetectionRow[];
  /** e.g. "now = v1.2.1 at 10:42 UTC · before = v1.2.0 at 10:30 UTC (the bad deploy)". */
  legend: string;
}

const ORDER: Record<Measurement['status'], number> = { breached: 0, unknown: 1, ok: 2 };
const SEVERITY: Record<Measurement['severity'], number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function summarizeDetection(report: DetectionReport): DetectionSummary {
  const { decision } = report;
  const rows = [...report.measurements]
    .sort((a, b) => ORDER[a.status] - ORDER[b.status] || SEVERITY[a.severity] - SEVERITY[b.severity])
    .map((m) => ({
      status: m.status,
      name: m.name,
      severity: m.severity,
      now: reading(m.now, m.unit),
      threshold: `${m.threshold}${m.unit ?? ''}`,
      before: reading(m.before, m.unit),
    }));
  return {
    headline: `${decision.severity} → ${decision.response.replace('_', ' ')}: ${decision.why}`,
    rows,
    legend: `now = ${report.failedVersion} at ${clock(report.measuredAt)} · before = ${report.targetVersion} at ${clock(report.beforeAt)} (the bad deploy)${report.versionLabel ? ` · versions told apart by the \`${report.versionLabel}\` label` : ''}`,
  };
}

function reading(r: Reading, unit: string | undefined): string {
  return 'value' in r ? `${formatValue(r.value)}${unit ?? ''}` : `unknown (${r.error})`;
}

function clock(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
