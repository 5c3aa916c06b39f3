// Issue detection at planning: each catalog detection query evaluated now and at the failed deploy's
// time, read per version when the series carry a version label, and judged against its threshold.
// The Prometheus client is a port; a query it cannot answer is a Reading with an error, never a pass.
import { decideFromMeasurements, formatValue } from './decision.js';
import type { DetectionReport, Measurement, Reading } from './detection-report.js';
import type { Deployment } from './model.js';
import type { DetectionQuery, DetectionSpec } from './service.js';

export interface Series {
  labels: Record<string, string>;
  value: number;
}

/** An instant query's vector (a scalar is one series without labels), or why there is none. */
export type QueryAnswer = { series: Series[] } | { error: string };

/** Prometheus' instant query API. Never throws: an unreachable server is an answer with an error. */
export interface InstantQuerier {
  instant(url: string, query: string, at: Date, signal: AbortSignal): Promise<QueryAnswer>;
}

export interface DetectionInput {
  spec: DetectionSpec;
  failed: Deployment;
  target: Deployment;
  now: Date;
}

export async function measureDetection(querier: InstantQuerier, input: DetectionInput, signal: AbortSignal): Promise<DetectionReport> {
  const { spec, failed, target, now } = input;
  const beforeAt = new Date(failed.createdAt);
  const measurements = await Promise.all(
    spec.queries.map(async (q): Promise<Measurement> => {
      const [nowAnswer, beforeAnswer] = await Promise.all([
        querier.instant(spec.url, q.query, now, signal),
        querier.instant(spec.url, q.query, beforeAt, signal),
      ]);
      const current = pick(nowAnswer, q, spec.versionLabel, failed.version);
      return {
        name: q.name,
        kind: q.kind,
        severity: q.severity,
        query: q.query,
        threshold: q.max !== undefined ? `≤ ${formatValue(q.max)}` : `≥ ${formatValue(q.min!)}`,
        ...(q.unit ? { unit: q.unit } : {}),
        now: current,
        before: pick(beforeAnswer, q, spec.versionLabel, target.version),
        status: 'error' in current ? 'unknown' : within(current.value, q) ? 'ok' : 'breached',
      };
    }),
  );
  return {
    measuredAt: now.toISOString(),
    beforeAt: beforeAt.toISOString(),
    ...(spec.versionLabel ? { versionLabel: spec.versionLabel } : {}),
    failedVersion: failed.version,
    targetVersion: target.version,
    measurements,
    decision: decideFromMeasurements(measurements),
  };
}

/**
 * One number from a vector: the series of `version` when the catalog names a version label, else
 * every series; of several, the worst for the threshold (the highest against a max).
 */
export function pick(answer: QueryAnswer, q: Pick<DetectionQuery, 'max' | 'min'>, versionLabel: string | undefined, version: string): Reading {
  if ('error' in answer) return { error: answer.error };
  const series = versionLabel ? answer.series.filter((s) => s.labels[versionLabel] === version) : answer.series;
  if (series.length === 0) {
    return { error: versionLabel ? `no series with ${versionLabel}="${version}"` : 'no data: the query returned no series' };
  }
  const values = series.map((s) => s.value);
  if (values.some((v) => Number.isNaN(v))) return { error: 'the query returned NaN (e.g. a ratio with no requests)' };
  return { value: q.max !== undefined ? Math.max(...values) : Math.min(...values) };
}

function within(value: number, q: Pick<DetectionQuery, 'max' | 'min'>): boolean {
  return q.max !== undefined ? value <= q.max : value >= (q.min ?? -Infinity);
}
