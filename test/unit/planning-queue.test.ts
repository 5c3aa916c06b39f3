// The planning queue behind the slash command's ack: a few plans at a time, and a burst of the same
// request answered from the plan in progress. Real SQLite store, fake cluster and chat (ports).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRef, Run } from '../../src/core/model.js';
import { PlanningQueue } from '../../src/core/use-cases/planning-queue.js';
import type { RollbackInput } from '../../src/core/use-cases/request-rollback.js';
import { makeWorld, REQUESTER, type World } from '../support/coordinator-world.js';

let world: World;
beforeEach(async () => {
  world = await makeWorld();
});
afterEach(async () => {
  await world.close();
});

const CHANNEL = 'C0INCIDENTS';

function input(overrides: Partial<RollbackInput['request']> = {}, requesterId = REQUESTER.id): RollbackInput {
  return {
    request: { kind: 'rollback', failedDeploymentId: 'deploy-12345', dryRun: false, autoApprove: false, reason: 'checkout is failing', ...overrides },
    requester: { ...REQUESTER, id: requesterId },
    channel: CHANNEL,
  };
}

/** chat.postPlan waits until released; `arrived` lists the runs waiting there, in order. */
function holdPostPlan(w: World) {
  const post = w.deps.chat.postPlan.bind(w.deps.chat);
  const arrived: Array<{ runId: string; release: (fail?: Error) => void }> = [];
  let inside = 0;
  let most = 0;
  const listeners: Array<() => void> = [];
  w.deps.chat = Object.assign(Object.create(Object.getPrototypeOf(w.deps.chat)), w.deps.chat, {
    postPlan: async (run: Run): Promise<MessageRef> => {
      inside++;
      most = Math.max(most, inside);
      try {
        await new Promise<void>((resolve, reject) => {
          arrived.push({ runId: run.id, release: (fail) => (fail ? reject(fail) : resolve()) });
          for (const l of listeners.splice(0)) l();
        });
        return await post(run);
      } finally {
        inside--;
      }
    },
  });
  return {
    arrived,
    most: () => most,
    /** Resolves once `n` plans have reached chat.postPlan. */
    async waitFor(n: number): Promise<void> {
      for (let i = 0; i < 1_000 && arrived.length < n; i++) await new Promise<void>((resolve) => listeners.push(resolve));
      if (arrived.length < n) throw new Error(`only ${arrived.length} plans reached postPlan`);
    },
  };
}

describe('PlanningQueue', () => {
  it('answers a burst of the same request from the plan in progress: one plan, every other requester pointed at it', async () => {
    const held = holdPostPlan(world);
    const queue = new PlanningQueue(4);
    const first = queue.request(world.deps, input());
    await held.waitFor(1);
    const burst = Array.from({ length: 20 }, (_, i) => queue.request(world.deps, input({}, `U0DUP${i}`)));
    held.arrived[0]!.release();
    const outcomes = await Promise.all([first, ...burst]);

    const planned = outcomes.filter((o) => o.kind === 'planned');
    const joined = outcomes.filter((o) => o.kind === 'in_progress');
    expect(planned).toHaveLength(1);
    expect(joined).toHaveLength(20);
    const runId = planned[0]!.run.id;
    expect(new Set(joined.map((o) => o.run.id))).toEqual(new Set([runId]));
    expect(joined[0]!.run.status).toBe('awaiting_approval');
    expect(world.chat.posted).toEqual([runId]);
    expect((await world.store.listRuns({ service: 'checkout', limit: 100 })).map((r) => r.id)).toEqual([runId]);
  });

  it('plans at most `slots` at once and plans every request in the end', async () => {
    const held = holdPostPlan(world);
    const queue = new PlanningQueue(2);
    // Dry runs hold nothing and are never answered from another plan: five distinct plans.
    const all = Promise.all(Array.from({ length: 5 }, (_, i) => queue.request(world.deps, input({ dryRun: true }, `U0DRY${i}`))));
    for (let n = 2; n <= 5; n++) {
      await held.waitFor(n);
      held.arrived[n - 2]!.release();
    }
    held.arrived[4]!.release();
    const outcomes = await all;
    expect(outcomes.map((o) => o.kind)).toEqual(['planned', 'planned', 'planned', 'planned', 'planned']);
    expect(new Set(outcomes.map((o) => o.run.id)).size).toBe(5);
    expect(held.most()).toBe(2);
    expect(queue.pending).toBe(0);
  });

  it('plans a duplicate by itself when the plan it waited for could not be made', async () => {
    const held = holdPostPlan(world);
    const queue = new PlanningQueue(4);
    const first = queue.request(world.deps, input());
    await held.waitFor(1);
    const second = queue.request(world.deps, input({}, 'U0SECOND'));
    held.arrived[0]!.release(new Error('Slack is down'));
    await expect(first).rejects.toThrow(/could not be posted/);
    await held.waitFor(2);
    held.arrived[1]!.release();
    const outcome = await second;
    expect(outcome.kind).toBe('planned');
    expect(outcome.run.status).toBe('awaiting_approval');
    expect(outcome.run.requestedBy.id).toBe('U0SECOND');
  });

  it('refuses a request that cannot be admitted before it takes a slot, and says why', async () => {
    const queue = new PlanningQueue(1);
    await expect(queue.request(world.deps, input({ failedDeploymentId: 'deploy-404' }))).rejects.toThrow(/No deployment `deploy-404` is recorded/);
    expect(queue.pending).toBe(0);
  });
});
