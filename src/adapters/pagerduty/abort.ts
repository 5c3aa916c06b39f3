// Honouring the caller's AbortSignal at once, even while a library is still waiting on its own
// timers (pdjs sleeps between 429 retries and does not look at the signal while it does).
import { PagerDutyError } from './pagerduty-error.js';

export function abortedError(what: string, signal: AbortSignal): PagerDutyError {
  const reason = signal.reason instanceof Error ? signal.reason.message : signal.reason === undefined ? '' : String(signal.reason);
  // The cause keeps the reason's type reachable: a TimeoutError reads differently from a shutdown.
  return new PagerDutyError(`${what} was aborted${reason ? `: ${reason}` : ''}.`, 'aborted', undefined, undefined, {
    cause: signal.reason,
  });
}

/** Settles like `work`, or rejects with an 'aborted' PagerDutyError as soon as `signal` fires. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {}); // its rejection is expected now and must not become unhandled
    return Promise.reject(abortedError(what, signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(what, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
