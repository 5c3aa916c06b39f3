// A run left in flight by a process that died is reported as interrupted at the next start, the
// service is free again, and nothing re-executes by itself.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/use-cases/deps.js';
import { eventually } from '../support/eventually.js';
import { recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { clusterWrites, command, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await recordStandardHistory(h);
});
afterEach(async () => {
  await h.close();
});

it('marks an orphaned executing run interrupted, says so in the thread, and frees the service', async () => {
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  const runId = runIdOf(plan);
  await eventually(async () => (await h.bot.store.getRun(runId))?.message, 5_000, 'the plan message recorded');
  // What a process that died mid-run leaves behind: the run approved and executing, step 1 done.
  const event = (type: string) => ({ runId, at: new Date().toISOString(), actor: SYSTEM, type, detail: type });
  expect(await h.bot.store.transition(runId, ['awaiting_approval'], 'approved', event('approved'))).toBe(true);
  expect(await h.bot.store.transition(runId, ['approved'], 'executing', event('executing'))).toBe(true);
  await h.bot.store.saveStepResult(runId, { index: 1, status: 'done', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), detail: 'ok' });

  h.k8s.clearRequests();
  await h.restartBot();

  const note = await waitForThread(h, plan, /Rollback interrupted/);
  expect(JSON.stringify(note.text)).toContain('Steps completed before the stop: 1');
  const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
  expect(view.json.status).toBe('interrupted');
  expect(clusterWrites(h)).toEqual([]);

  // The lock is released: a fresh plan for the same service is not blocked by the dead run.
  await command(h, '--failed-deployment-id deploy-12345', USERS.requester);
  const fresh = await waitForPlan(h, 2);
  expect(JSON.stringify(fresh.blocks)).not.toContain(runId + ' (');
  expect(JSON.stringify(fresh.blocks)).toContain('rollback_approve');
});
