// The run coordinator over the emulators, at the core's entry points (the buttons, API and CLI that
// call them are the chat/API side's tests): cancel while executing stops before the next step and
// says where things were left; retry plans a cancelled run again as a new, linked run that executes
// once; a run whose process stopped mid-run is resumed by the next start.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestCancel } from '../../src/core/use-cases/cancel-run.js';
import { retryRun } from '../../src/core/use-cases/retry-run.js';
import { SYSTEM } from '../../src/core/use-cases/deps.js';
import type { Actor } from '../../src/core/model.js';
import { CHANNEL, NAMESPACE, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { click, command, realClusterWrites, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await recordStandardHistory(h);
});
afterEach(async () => {
  await h.close();
});

const approver: Actor = { kind: 'slack_user', id: USERS.approver };
const writesTo = (component: string) => realClusterWrites(h).filter((r) => r.path.endsWith(`/namespaces/${NAMESPACE}/deployments/${component}`));
const status = async (runId: string) => (await h.bot.store.getRun(runId))?.status;
const timelineTypes = async (runId: string) => (await h.bot.store.timeline(runId)).map((e) => e.type);

describe('cancel while executing', () => {
  it('lets the step in progress finish, never starts the next, and records where each component was left', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const runId = runIdOf(plan);
    // The first write answers slowly: the run is executing step 1 when the cancel arrives.
    h.k8s.injectFault({ method: 'PATCH', pathPattern: /\/deployments\/checkout-api$/, delayMs: 1_500, times: 1 });
    expect((await click(h, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    await eventually(async () => (await h.bot.store.timeline(runId)).some((e) => e.type === 'step_started'), 10_000, 'step 1 started');

    expect(await requestCancel(h.bot.built.deps, runId, approver)).toEqual({ kind: 'stopping', runId });
    await eventually(async () => (await status(runId)) === 'cancelled', 20_000, 'the run cancelled');

    expect(await timelineTypes(runId)).toEqual(expect.arrayContaining(['cancel_requested', 'step_done', 'cancelled']));
    expect(await timelineTypes(runId)).not.toContain('verifying');
    const cancelled = (await h.bot.store.timeline(runId)).find((e) => e.type === 'cancelled');
    expect(cancelled).toMatchObject({ actor: { id: USERS.approver }, detail: 'stopped after step 1; not done: 2' });
    expect(writesTo('checkout-api')).toHaveLength(1);
    expect(writesTo('checkout-worker')).toEqual([]);
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-worker')?.spec?.template.spec?.containers[0]?.image).toBe(
      'registry.example/checkout-worker:v1.2.1',
    );
    // The audit says it in plain text, for the API and the report.
    const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
    expect(view.json.status).toBe('cancelled');
  });
});

describe('retry', () => {
  it('plans a withdrawn run again as a new run linked to it, which executes exactly once when approved', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const first = await waitForPlan(h);
    const oldId = runIdOf(first);
    await eventually(async () => (await h.bot.store.getRun(oldId))?.message, 5_000, 'the plan message recorded');
    expect(await requestCancel(h.bot.built.deps, oldId, { kind: 'slack_user', id: USERS.requester })).toEqual({ kind: 'cancelled', runId: oldId });

    const outcome = await retryRun(h.bot.built.deps, oldId, { kind: 'slack_user', id: USERS.requester });
    expect(outcome.kind).toBe('planned');
    const second = await waitForPlan(h, 2);
    const newId = runIdOf(second);
    expect(newId).not.toBe(oldId);
    expect((await h.bot.store.getRun(newId))?.plan.supersedes).toEqual({ runId: oldId, why: 'retry' });
    expect((await h.bot.store.timeline(oldId)).at(-1)).toMatchObject({ type: 'retried', detail: `planned again as ${newId}` });
    expect((await h.bot.store.timeline(newId))[0]?.detail).toContain(`retry of ${oldId}`);

    expect((await click(h, second, 'rollback_approve', USERS.approver)).status).toBe(200);
    await eventually(async () => (await status(newId)) === 'succeeded', 20_000, 'the retried run succeeded');
    expect(writesTo('checkout-api')).toHaveLength(1);
    expect(writesTo('checkout-worker')).toHaveLength(1);
    await waitForThread(h, second, /Verification/);
  });
});

describe('resume', () => {
  it('a run left executing before any write is resumed at the next start and finishes, each component written once', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const runId = runIdOf(plan);
    await eventually(async () => (await h.bot.store.getRun(runId))?.message, 5_000, 'the plan message recorded');
    await h.bot.stop(); // the process goes away …
    // … and, as a killed one would, left the run executing with nothing done (nobody holds its lease now).
    // Through the Store port, on whichever store the harness runs (SQLite, or PostgreSQL with SMARTSPEC_TEST_STORE=postgres).
    const store = await h.openStore();
    const event = (type: string) => ({ runId, at: new Date().toISOString(), actor: SYSTEM, type, detail: type });
    expect(await store.transition(runId, ['awaiting_approval'], 'approved', event('approved'))).toMatchObject({ status: 'approved' });
    expect(await store.transition(runId, ['approved'], 'executing', event('executing'))).toMatchObject({ status: 'executing' });
    await store.close();

    await h.restartBot();
    await eventually(async () => (await status(runId)) === 'succeeded', 20_000, 'the resumed run succeeded');
    expect(await timelineTypes(runId)).toEqual(expect.arrayContaining(['resumed', 'step_done', 'succeeded']));
    expect((await h.bot.store.timeline(runId)).find((e) => e.type === 'resumed')?.detail).toBe('the previous owner stopped: going on from step 1');
    expect(writesTo('checkout-api')).toHaveLength(1);
    expect(writesTo('checkout-worker')).toHaveLength(1);
    await waitForThread(h, plan, /Verification/);
    expect(h.slack.messagesIn(CHANNEL).length).toBeGreaterThan(0);
  });
});
