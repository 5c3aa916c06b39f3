// A run left in flight by a process that died is claimed again at the next start. When the cluster
// is not where the run left it (here: step 1 is recorded done, yet checkout-api still runs the
// failed version), it stops as interrupted, says what it found, writes nothing, and frees the service.
// (Resuming when the cluster allows it: test/e2e/coordinator-flows.test.ts and the SIGKILL suite.)
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SYSTEM } from '../../src/core/use-cases/deps.js';
import { eventually } from '../support/eventually.js';
import { recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { clusterWrites, command, runIdOf, waitForPlan } from './flow-helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await recordStandardHistory(h);
});
afterEach(async () => {
  await h.close();
});

it('stops an orphaned executing run as interrupted when the cluster moved, says what it found, and frees the service', async () => {
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  const runId = runIdOf(plan);
  await eventually(async () => (await h.bot.store.getRun(runId))?.message, 5_000, 'the plan message recorded');
  await h.bot.stop();
  // What a process that died mid-run leaves behind: the run approved and executing, step 1 done.
  // Through the Store port, on whichever store the harness runs (SQLite, or PostgreSQL with SMARTSPEC_TEST_STORE=postgres).
  const store = await h.openStore();
  const event = (type: string) => ({ runId, at: new Date().toISOString(), actor: SYSTEM, type, detail: type });
  expect(await store.transition(runId, ['awaiting_approval'], 'approved', event('approved'))).toMatchObject({ status: 'approved' });
  expect(await store.transition(runId, ['approved'], 'executing', event('executing'))).toMatchObject({ status: 'executing' });
  await store.saveStepResult(runId, {
    index: 1,
    status: 'done',
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    detail: 'ok',
  });
  await store.close();

  h.k8s.clearRequests();
  await h.restartBot();

  await eventually(async () => (await h.bot.store.getRun(runId))?.status === 'interrupted', 20_000, 'the run interrupted');
  const last = (await h.bot.store.timeline(runId)).at(-1);
  expect(last).toMatchObject({ type: 'interrupted' });
  expect(last?.detail).toContain('checkout-api is back at registry.example/checkout-api:v1.2.1 although its rollback step was done');
  const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
  expect(view.json.status).toBe('interrupted');
  expect(clusterWrites(h)).toEqual([]);

  // The lock is released: a fresh plan for the same service is not blocked by the dead run.
  await command(h, '--failed-deployment-id deploy-12345', USERS.requester);
  const fresh = await waitForPlan(h, 2);
  expect(JSON.stringify(fresh.blocks)).not.toContain(runId + ' (');
  expect(JSON.stringify(fresh.blocks)).toContain('rollback_approve');
});
