// Kubernetes API calls retried on what is worth retrying (429, 5xx, resets), with jittered backoff,
// within a time budget. 4xx answers other than 429 are final: retrying a 403 or 422 changes nothing.
import { ApiException } from '@kubernetes/client-node';

const DEFAULT_BUDGET_MS = 20_000;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiException) return error.code === 429 || error.code >= 500;
  if (!(error instanceof Error)) return false;
  const text = `${error.message} ${(error.cause as Error | undefined)?.message ?? ''} ${(error as { code?: string }).code ?? ''} ${(error.cause as { code?: string } | undefined)?.code ?? ''}`;
  return /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|other side closed|fetch failed|UND_ERR/i.test(text);
}

export async function withRetry<T>(call: () => Promise<T>, signal: AbortSignal, budgetMs = DEFAULT_BUDGET_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
      if (!isRetryable(error) || signal.aborted || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The API's own words for an error, without the request details the client library appends. */
export function describeKubeError(error: unknown): string {
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message = (body as { message?: string } | undefined)?.message;
    return `Kubernetes API ${error.code}${message ? `: ${message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}
