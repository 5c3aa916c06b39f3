// Prometheus' instant query API (GET /api/v1/query with an evaluation time) over fetch. Answers are
// parsed with zod; anything that is not a vector or scalar of numbers is an error that says so.
import { deadlineSignal } from '../../core/deadline-signal.js';
import { z } from 'zod';
import type { InstantQuerier, QueryAnswer } from '../../core/detection.js';
import { type PeerCredentials, refusedCredentialsMessage } from '../peer-auth/peer-credentials.js';

const QUERY_TIMEOUT_MS = 5_000;

const answerSchema = z.object({
  status: z.enum(['success', 'error']),
  error: z.string().optional(),
  errorType: z.string().optional(),
  data: z.object({ resultType: z.enum(['vector', 'scalar', 'matrix', 'string']), result: z.unknown() }).optional(),
});
// Sample values are strings in Prometheus' JSON ("0.124", "NaN", "+Inf").
const sampleSchema = z.tuple([z.number(), z.string()]);
const vectorSchema = z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleSchema }));

export interface PrometheusQuerierOptions {
  /** Each Prometheus' Authorization header, by base URL (the catalog's `auth`); none means no header. */
  credentials?: PeerCredentials;
}

export class PrometheusHttpQuerier implements InstantQuerier {
  constructor(private readonly options: PrometheusQuerierOptions = {}) {}

  async instant(url: string, query: string, at: Date, signal: AbortSignal): Promise<QueryAnswer> {
    const endpoint = new URL('api/v1/query', url.endsWith('/') ? url : `${url}/`);
    endpoint.searchParams.set('query', query);
    endpoint.searchParams.set('time', (at.getTime() / 1000).toFixed(3));
    const credential = this.options.credentials?.for(url);
    let status: number;
    let raw: unknown;
    try {
      const response = await fetch(endpoint, {
        headers: { accept: 'application/json', ...(credential ? { authorization: credential.authorization } : {}) },
        signal: deadlineSignal(QUERY_TIMEOUT_MS, signal),
      });
      status = response.status;
      // Refused credentials are a failed query like any other (detection says unknown), worded so the fix is plain.
      if (status === 401 || status === 403) {
        await response.body?.cancel();
        return { error: refusedCredentialsMessage('Prometheus', url, status, credential) };
      }
      raw = await response.json().catch(() => undefined);
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      return { error: `Prometheus did not answer: ${cause}` };
    }
    const answer = answerSchema.safeParse(raw);
    if (!answer.success) return { error: `Prometheus answered HTTP ${status} with something that is not a query result` };
    if (answer.data.status === 'error' || !answer.data.data)
      return { error: `Prometheus refused the query: ${answer.data.error ?? answer.data.errorType ?? `HTTP ${status}`}` };
    const { resultType, result } = answer.data.data;
    if (resultType === 'scalar') {
      const scalar = sampleSchema.safeParse(result);
      return scalar.success
        ? { series: [{ labels: {}, value: Number(scalar.data[1]) }] }
        : { error: 'Prometheus answered a scalar that is not a sample' };
    }
    if (resultType !== 'vector') return { error: `the query must return a vector or a scalar, not a ${resultType}` };
    const vector = vectorSchema.safeParse(result);
    if (!vector.success) return { error: 'Prometheus answered a vector that is not a list of samples' };
    return { series: vector.data.map((s) => ({ labels: s.metric, value: Number(s.value[1]) })) };
  }
}
