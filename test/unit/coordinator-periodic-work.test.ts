// Periodic work once across replicas (job leases in the real SQLite store), on an injected clock;
// and the event fan-out: every subscriber sees one run's events in order, whatever another does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { EventFanout } from '../../src/core/coordinator/event-fanout.js';
import { PeriodicWork } from '../../src/core/coordinator/periodic-work.js';
import type { RunEvent } from '../../src/core/coordinator/run-events.js';
import { makeRun } from '../support/builders.js';
import { ManualClock, quietLogger } from '../support/coordinator-world.js';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-periodic-'));
  store = SqliteStore.open(join(dir, 'smartspec.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PeriodicWork', () => {
  it('runs each job once per period across replicas, and a failing job neither stops the others nor its next period', async () => {
    const clock = new ManualClock();
    const ran: string[] = [];
    const replicas = ['replica-a', 'replica-b'].map((owner) => {
      const work = new PeriodicWork({ store, clock, logger: quietLogger, owner });
      work.register({
        name: 'expire',
        everyMs: 15_000,
        run: async () => {
          ran.push(`expire@${owner}`);
        },
      });
      work.register({
        name: 'broken',
        everyMs: 15_000,
        run: async () => {
          ran.push(`broken@${owner}`);
          throw new Error('Slack is down');
        },
      });
      work.register({
        name: 'slow',
        everyMs: 60_000,
        run: async () => {
          ran.push(`slow@${owner}`);
        },
      });
      return work;
    });
    for (const work of replicas) await work.runDue();
    expect(ran).toEqual(['expire@replica-a', 'broken@replica-a', 'slow@replica-a']);
    ran.length = 0;
    clock.advance(5_000);
    for (const work of replicas) await work.runDue();
    expect(ran).toEqual([]);
    clock.advance(10_000);
    for (const work of [...replicas].reverse()) await work.runDue();
    expect(ran).toEqual(['expire@replica-b', 'broken@replica-b']);
    expect(quietLogger.errors).toContain('periodic job failed; it runs again next period');
  });

  it('refuses a job registered twice or without a period', () => {
    const work = new PeriodicWork({ store, clock: new ManualClock(), logger: quietLogger, owner: 'a' });
    work.register({ name: 'x', everyMs: 1, run: async () => undefined });
    expect(() => work.register({ name: 'x', everyMs: 1, run: async () => undefined })).toThrow(/registered twice/);
    expect(() => work.register({ name: 'y', everyMs: 0, run: async () => undefined })).toThrow(/positive period/);
  });
});

describe('EventFanout', () => {
  it("delivers one run's events to each subscriber in order, while a slow subscriber delays only itself up to its bound", async () => {
    const fanout = new EventFanout(quietLogger, 50);
    const fast: string[] = [];
    const slow: string[] = [];
    fanout.subscribe({
      name: 'fast',
      handle: async (e) => {
        fast.push(e.type);
      },
    });
    fanout.subscribe({
      name: 'slow',
      handle: async (e) => {
        await new Promise((r) => setTimeout(r, e.type === 'step_started' ? 10 : 0));
        slow.push(e.type);
      },
    });
    const run = makeRun();
    const events: RunEvent[] = [
      { type: 'execution_started', runId: run.id, at: run.createdAt, components: [], steps: [] },
      { type: 'step_started', runId: run.id, at: run.createdAt, step: { index: 1, component: 'a', description: 'd' }, of: 1 },
      { type: 'step_done', runId: run.id, at: run.createdAt, step: { index: 1, component: 'a', description: 'd' }, of: 1, detail: 'ok' },
    ];
    for (const event of events) void fanout.publish(event, run);
    await fanout.delivered(run.id);
    expect(fast).toEqual(['execution_started', 'step_started', 'step_done']);
    expect(slow).toEqual(['execution_started', 'step_started', 'step_done']);
  });

  it('lets the publisher go on while a chat subscriber is still busy, and waits for a subscriber that holds the run', async () => {
    const fanout = new EventFanout(quietLogger, 60_000);
    let releaseChat!: () => void;
    const chatBusy = new Promise<void>((resolve) => {
      releaseChat = resolve;
    });
    const chat: string[] = [];
    const silences: string[] = [];
    fanout.subscribe({
      name: 'chat',
      handle: async (e) => {
        await chatBusy;
        chat.push(e.type);
      },
    });
    fanout.subscribe({
      name: 'silences',
      holdsRun: (e) => e.type === 'execution_started',
      handle: async (e) => {
        silences.push(e.type);
      },
    });
    const run = makeRun();
    // Resolves although the chat subscriber has not handled it: only the holding subscriber is awaited.
    await fanout.publish({ type: 'execution_started', runId: run.id, at: run.createdAt, components: [], steps: [] }, run);
    expect(silences).toEqual(['execution_started']);
    await fanout.publish(
      { type: 'step_started', runId: run.id, at: run.createdAt, step: { index: 1, component: 'a', description: 'd' }, of: 1 },
      run,
    );
    releaseChat();
    await fanout.delivered();
    expect(chat).toEqual(['execution_started', 'step_started']);
    expect(silences).toEqual(['execution_started', 'step_started']);
  });
});
