// The decorators change nothing but the counters: same results, same errors, same `this`.
import { describe, expect, it } from 'vitest';
import { countingErrors } from '../../src/adapters/metrics/instrument-ports.js';
import { instrumentStore } from '../../src/adapters/metrics/instrument-store.js';
import { Metrics } from '../../src/adapters/metrics/metrics.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { makeEvent, makeRun, T0 } from '../support/builders.js';

class Adapter {
  readonly label = 'adapter';
  private calls = 0;
  async ok(): Promise<string> {
    this.calls += 1;
    return `${this.label} ${this.calls}`;
  }
  async fails(): Promise<never> {
    throw new Error('rejected');
  }
  syncFails(): never {
    throw new TypeError('thrown');
  }
  pure(n: number): number {
    return n * 2;
  }
}

describe('countingErrors', () => {
  it('passes results, properties and `this` through, and counts only failures, by method name', async () => {
    const seen: string[] = [];
    const wrapped = countingErrors(new Adapter(), (op) => seen.push(op));
    expect(await wrapped.ok()).toBe('adapter 1');
    expect(await wrapped.ok()).toBe('adapter 2');
    expect(wrapped.pure(21)).toBe(42);
    expect(wrapped.label).toBe('adapter');
    await expect(wrapped.fails()).rejects.toThrow('rejected');
    expect(() => wrapped.syncFails()).toThrow(TypeError);
    expect(seen).toEqual(['fails', 'syncFails']);
  });

  it('never lets a failing counter replace the real error', async () => {
    const wrapped = countingErrors(new Adapter(), () => {
      throw new Error('counter broke');
    });
    await expect(wrapped.fails()).rejects.toThrow('rejected');
  });
});

describe('instrumentStore', () => {
  const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
  const ev = (runId: string, type: string, seconds: number) => makeEvent({ runId, type, at: at(seconds) });

  async function exposition(metrics: Metrics, name: string): Promise<string[]> {
    return (await metrics.render()).split('\n').filter((l) => l.startsWith(name));
  }

  it('counts terminal statuses, including side exits, and keeps adapter-only methods reachable', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const store = instrumentStore(SqliteStore.open(':memory:'), metrics);
    try {
      expect(await store.schemaVersion()).toBeGreaterThan(0);
      const run = makeRun({ id: 'rb-rejected' });
      await store.createRun(run, ev(run.id, 'requested', 0));
      await store.transition(run.id, ['awaiting_approval'], 'rejected', ev(run.id, 'rejected', 5));
      const interrupted = makeRun({ id: 'rb-interrupted' });
      await store.createRun(interrupted, ev(interrupted.id, 'requested', 10));
      await store.transition(interrupted.id, ['awaiting_approval'], 'approved', ev(interrupted.id, 'approved', 20));
      await store.transition(interrupted.id, ['approved'], 'interrupted', ev(interrupted.id, 'interrupted', 30));
      const lines = await exposition(metrics, 'smartspec_runs_total{');
      expect(lines).toContain('smartspec_runs_total{outcome="rejected"} 1');
      expect(lines).toContain('smartspec_runs_total{outcome="interrupted"} 1');
      expect(lines).toContain('smartspec_runs_total{outcome="succeeded"} 0');
      // Interrupted before executing: no duration to observe.
      expect(await exposition(metrics, 'smartspec_rollback_duration_seconds_count')).toEqual(['smartspec_rollback_duration_seconds_count 0']);
    } finally {
      await store.close();
    }
  });

  it('ignores a clock that went backwards instead of recording a negative duration', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const store = instrumentStore(SqliteStore.open(':memory:'), metrics);
    try {
      const run = makeRun({ id: 'rb-skew', createdAt: at(100) });
      await store.createRun(run, ev(run.id, 'requested', 100));
      await store.transition(run.id, ['awaiting_approval'], 'approved', ev(run.id, 'approved', 50));
      expect(await exposition(metrics, 'smartspec_approval_wait_seconds_count')).toEqual(['smartspec_approval_wait_seconds_count 0']);
    } finally {
      await store.close();
    }
  });
});
