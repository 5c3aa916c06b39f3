// A metric after the rollback, e.g. the error rate or p99 latency, sampled over a window: a single
// good sample right after the switch proves little. No data is a failure, never a pass. The query
// itself goes through the same Prometheus client as issue detection (prometheus-querier.ts).
import type { InstantQuerier } from '../../core/detection.js';
import type { VerificationCheck } from '../../core/model.js';
import type { PrometheusCheckSpec } from '../../core/service.js';
import { abortableSleep } from '../abortable-sleep.js';
import { PrometheusHttpQuerier } from '../prometheus/prometheus-querier.js';

// Without credentials: bot.ts passes the querier that carries the catalog's `auth`.
const anonymous = new PrometheusHttpQuerier();

export async function runPrometheusCheck(
  spec: PrometheusCheckSpec,
  signal: AbortSignal,
  querier: InstantQuerier = anonymous,
): Promise<VerificationCheck> {
  const started = Date.now();
  const threshold = spec.max !== undefined ? `≤ ${spec.max}` : `≥ ${spec.min}`;
  const samples: number[] = [];
  for (let i = 0; i < spec.samples; i++) {
    if (i > 0) await abortableSleep(spec.intervalSeconds * 1000, signal);
    if (signal.aborted) break;
    const sample = await query(querier, spec, signal);
    if (typeof sample === 'string') {
      return {
        name: `prometheus ${spec.name}`,
        phase: 'failed',
        threshold,
        durationMs: Date.now() - started,
        detail: `${sample} (query: ${spec.query})`,
      };
    }
    samples.push(sample);
    if (!withinThreshold(sample, spec)) break; // one bad sample fails the check; no need to wait for more
  }
  const worst = spec.max !== undefined ? Math.max(...samples) : Math.min(...samples);
  const ok = samples.length === spec.samples && samples.every((v) => withinThreshold(v, spec));
  return {
    name: `prometheus ${spec.name}`,
    phase: ok ? 'passed' : 'failed',
    measured: samples.length === 0 ? 'no samples' : `${format(worst)} (worst of ${samples.length} sample(s))`,
    threshold,
    durationMs: Date.now() - started,
    detail: ok
      ? `${samples.length} sample(s) within ${threshold}`
      : samples.length < spec.samples && samples.every((v) => withinThreshold(v, spec))
        ? 'the verification timeout ended the sampling early'
        : `${format(worst)} is outside ${threshold}`,
  };
}

function withinThreshold(value: number, spec: PrometheusCheckSpec): boolean {
  if (Number.isNaN(value)) return false;
  return spec.max !== undefined ? value <= spec.max : value >= (spec.min ?? -Infinity);
}

/** One instant query: the worst series' value, or a string saying why there is no number. */
async function query(querier: InstantQuerier, spec: PrometheusCheckSpec, signal: AbortSignal): Promise<number | string> {
  const answer = await querier.instant(spec.url, spec.query, new Date(), signal);
  if ('error' in answer) return answer.error;
  if (answer.series.length === 0) return 'no data: the query returned no series (a missing metric is not a healthy one)';
  const values = answer.series.map((s) => s.value);
  return spec.max !== undefined ? Math.max(...values) : Math.min(...values);
}

function format(value: number): string {
  return String(Number(value.toPrecision(4)));
}
