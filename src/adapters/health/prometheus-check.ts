// A metric after the rollback, e.g. the error rate or p99 latency, sampled over a window: a single
// good sample right after the switch proves little. No data is a failure, never a pass.
import { z } from 'zod';
import type { VerificationCheck } from '../../core/model.js';
import type { PrometheusCheckSpec } from '../../core/service.js';
import { abortableSleep } from '../abortable-sleep.js';

const QUERY_TIMEOUT_MS = 5_000;

const answerSchema = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.enum(['vector', 'scalar', 'matrix', 'string']),
      result: z.unknown(),
    })
    .optional(),
});
const vectorSchema = z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) }));
const scalarSchema = z.tuple([z.number(), z.string()]);

export async function runPrometheusCheck(spec: PrometheusCheckSpec, signal: AbortSignal): Promise<VerificationCheck> {
  const started = Date.now();
  const threshold = spec.max !== undefined ? `≤ ${spec.max}` : `≥ ${spec.min}`;
  const samples: number[] = [];
  for (let i = 0; i < spec.samples; i++) {
    if (i > 0) await abortableSleep(spec.intervalSeconds * 1000, signal);
    if (signal.aborted) break;
    const sample = await query(spec, signal);
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
async function query(spec: PrometheusCheckSpec, signal: AbortSignal): Promise<number | string> {
  const url = new URL('api/v1/query', spec.url.endsWith('/') ? spec.url : `${spec.url}/`);
  url.searchParams.set('query', spec.query);
  let raw: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(QUERY_TIMEOUT_MS)]) });
    raw = await response.json();
  } catch (error) {
    return `Prometheus did not answer: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
  }
  const answer = answerSchema.safeParse(raw);
  if (!answer.success) return 'Prometheus answered something that is not a query result';
  if (answer.data.status === 'error' || !answer.data.data) return `Prometheus refused the query: ${answer.data.error ?? 'error'}`;
  const { resultType, result } = answer.data.data;
  if (resultType === 'scalar') {
    const scalar = scalarSchema.safeParse(result);
    return scalar.success ? Number(scalar.data[1]) : 'unexpected scalar result';
  }
  const vector = vectorSchema.safeParse(result);
  if (resultType !== 'vector' || !vector.success) return `the query must return a vector or scalar, not ${resultType}`;
  if (vector.data.length === 0) return 'no data: the query returned no series (a missing metric is not a healthy one)';
  const values = vector.data.map((s) => Number(s.value[1]));
  return spec.max !== undefined ? Math.max(...values) : Math.min(...values);
}

function format(value: number): string {
  return String(Number(value.toPrecision(4)));
}
