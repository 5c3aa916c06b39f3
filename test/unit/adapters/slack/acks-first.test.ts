// AcksFirst holds work that follows an ack while Slack requests keep arriving, up to a bound.
// Fake timers and clock: what is asserted is the order of events, not how long anything took.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AcksFirst } from '../../../../src/adapters/slack/acks-first.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function queue(): { acks: AcksFirst; ran: string[] } {
  return { acks: new AcksFirst({ quietMs: 2, maxWaitMs: 50, now: () => Date.now() }), ran: [] };
}

describe('AcksFirst', () => {
  it('starts a lone command’s work once no other request arrived for the quiet period', () => {
    const { acks, ran } = queue();
    acks.arrived();
    acks.afterAcks(() => ran.push('plan'));
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual(['plan']);
    expect(acks.pending()).toBe(0);
  });

  it('holds all work while a burst keeps arriving, then runs it in arrival order', () => {
    const { acks, ran } = queue();
    for (let i = 0; i < 10; i++) {
      acks.arrived();
      acks.afterAcks(() => ran.push(`plan ${i}`));
      vi.advanceTimersByTime(1); // the next request arrives within the quiet period
    }
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(ran).toEqual(Array.from({ length: 10 }, (_, i) => `plan ${i}`));
  });

  it('never holds work longer than maxWaitMs, however long the burst', () => {
    const { acks, ran } = queue();
    acks.arrived();
    acks.afterAcks(() => ran.push('first'));
    for (let t = 1; t < 49; t++) {
      vi.advanceTimersByTime(1);
      acks.arrived();
    }
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(ran).toEqual(['first']);
  });

  it('runs work queued after a release in a later release', () => {
    const { acks, ran } = queue();
    acks.afterAcks(() => ran.push('a'));
    vi.advanceTimersByTime(0);
    expect(ran).toEqual(['a']);
    acks.arrived();
    acks.afterAcks(() => ran.push('b'));
    vi.advanceTimersByTime(2);
    expect(ran).toEqual(['a', 'b']);
  });
});
