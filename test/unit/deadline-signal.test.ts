// deadlineSignal fires after its deadline even when the collector runs meanwhile (the reason it
// exists: on Node 20, AbortSignal.any([parent, AbortSignal.timeout(ms)]) stays silent after a GC),
// and when a parent aborts, with the parent's reason.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { deadlineSignal, endedByDeadline } from '../../src/core/deadline-signal.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('deadlineSignal', () => {
  it('fires after its deadline although the collector ran meanwhile', async () => {
    const parent = new AbortController();
    const signals = Array.from({ length: 50 }, () => deadlineSignal(200, parent.signal));
    const all = Promise.all(signals.map(aborted));
    // A collection once the creating task is over, well before the deadlines (as it happens in a bot).
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
    await all;
    expect(signals.every(endedByDeadline)).toBe(true);
    expect(parent.signal.aborted).toBe(false);
  });

  it('fires when a parent aborts, with its reason, and not as a deadline', async () => {
    const parent = new AbortController();
    const signal = deadlineSignal(60_000, undefined, parent.signal);
    const done = aborted(signal);
    parent.abort(new Error('lease lost'));
    await done;
    expect(signal.reason).toEqual(new Error('lease lost'));
    expect(endedByDeadline(signal)).toBe(false);
  });

  it('is aborted at once when a parent already is', () => {
    const parent = new AbortController();
    parent.abort('stopping');
    const signal = deadlineSignal(60_000, parent.signal);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('stopping');
  });
});
