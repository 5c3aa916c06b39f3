import type { EventEmitter } from 'node:events';

/** Re-checks on every change event and also on a short poll, for state the events do not cover. */
const POLL_MS = 20;

export type WaitForValue<T> = Exclude<T, undefined | null | false>;

/**
 * Resolves with the first value of `predicate()` that is not undefined, null or false. A
 * predicate that throws counts as "not yet" (so expect()-style checks work) and its last error
 * is reported on timeout, together with `describeState()`.
 */
export function waitForChange<T>(
  events: EventEmitter,
  predicate: () => T | undefined | null | false,
  timeoutMs: number,
  describeState: () => string,
  label?: string,
): Promise<WaitForValue<T>> {
  return new Promise((resolve, reject) => {
    let lastError: unknown;
    let settled = false;
    const check = (): boolean => {
      try {
        const value = predicate();
        if (value !== undefined && value !== null && value !== false) {
          finish();
          resolve(value as WaitForValue<T>);
          return true;
        }
      } catch (error) {
        lastError = error;
      }
      return false;
    };
    const onChange = (): void => {
      if (!settled) check();
    };
    const poll = setInterval(onChange, POLL_MS);
    const timer = setTimeout(() => {
      if (settled || check()) return;
      finish();
      const what = label ? ` for ${label}` : '';
      const why = lastError === undefined ? '' : `\nLast predicate error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      reject(new Error(`waitFor timed out after ${timeoutMs} ms${what}.${why}\n${describeState()}`));
    }, timeoutMs);
    function finish(): void {
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      events.off('change', onChange);
    }
    events.on('change', onChange);
    check();
  });
}
