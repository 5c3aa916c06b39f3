// What the plan says about the incident's metrics, as plain data: each detection query measured now
// (the failed version) and before the bad deploy (the target version), and what the severity matrix
// made of them. Stored with the plan; rendered by the chat adapter and the Markdown plan.
import type { Decision } from './decision.js';
import type { DetectionQuery, DetectionSeverity } from './service.js';

/** A value, or why there is none. Never a default: a missing number is shown as unknown. */
export type Reading = { value: number } | { error: string };

export interface Measurement {
  name: string;
  kind: DetectionQuery['kind'];
  severity: DetectionSeverity;
  query: string;
  /** e.g. "≤ 0.001". */
  threshold: string;
  unit?: string;
  /** The failed version, now. */
  now: Reading;
  /** The target version before the bad deploy (the query evaluated at the failed deploy's time). */
  before: Reading;
  /** unknown: `now` could not be evaluated; never counted as healthy. */
  status: 'breached' | 'ok' | 'unknown';
}

export interface DetectionReport {
  measuredAt: string;
  /** When "before" was evaluated: the failed deploy's time. */
  beforeAt: string;
  /** The label telling versions apart, when the catalog names one. */
  versionLabel?: string;
  failedVersion: string;
  targetVersion: string;
  measurements: Measurement[];
  /** The severity matrix's answer from these measurements. */
  decision: Decision;
}
