// An HTTP health check, retried until it passes or its time runs out: a pod that is Ready may still
// need a moment behind its Service.
import { deadlineSignal } from '../../core/deadline-signal.js';
import type { HttpCheckSpec } from '../../core/service.js';
import type { VerificationCheck } from '../../core/model.js';
import { abortableSleep } from '../abortable-sleep.js';

const RETRY_DELAY_MS = 500;
const ATTEMPT_TIMEOUT_MS = 5_000;

export async function runHttpCheck(spec: HttpCheckSpec, signal: AbortSignal): Promise<VerificationCheck> {
  const started = Date.now();
  let last = 'not attempted';
  let attempts = 0;
  while (!signal.aborted) {
    attempts++;
    try {
      const response = await fetch(spec.url, { signal: deadlineSignal(ATTEMPT_TIMEOUT_MS, signal), redirect: 'manual' });
      await response.body?.cancel();
      last = `HTTP ${response.status}`;
      if (response.status === spec.status) {
        return {
          name: `http ${spec.url}`,
          phase: 'passed',
          measured: last,
          threshold: `HTTP ${spec.status}`,
          durationMs: Date.now() - started,
          detail: `answered ${last} after ${attempts} attempt(s)`,
        };
      }
    } catch (error) {
      last = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    await abortableSleep(RETRY_DELAY_MS, signal);
  }
  return {
    name: `http ${spec.url}`,
    phase: 'failed',
    measured: last,
    threshold: `HTTP ${spec.status}`,
    durationMs: Date.now() - started,
    detail: `no ${spec.status} within the verification timeout (${attempts} attempt(s), last: ${last})`,
  };
}
