// Stop, withdraw and retry from Slack, the API and the CLI; expiry and the reminder; a click on a
// button this version does not know. Over the real bot, the fake Slack and the Kubernetes emulator.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { Clock } from '../../src/core/ports.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import { eventually } from '../support/eventually.js';
import { API_TOKEN, CHANNEL, IMAGE, NAMESPACE, USERS, recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { click, command, realClusterWrites, runIdOf, waitForEphemeral, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(clock?: Clock): Promise<Harness> {
  h = await startHarness(clock ? { clock } : {});
  await recordStandardHistory(h);
  return h;
}

function actionIds(message: FakeSlackMessage | undefined): string[] {
  return [...JSON.stringify(message?.blocks ?? []).matchAll(/"action_id":"([a-z_]+)"/g)].map((m) => m[1]!);
}

/** The plan message as it is now, once it matches. */
function planNow(harness: Harness, plan: FakeSlackMessage, pattern: RegExp): Promise<FakeSlackMessage> {
  return harness.slack.waitFor(
    () => {
      const m = harness.slack.findMessage(CHANNEL, plan.ts);
      return m && pattern.test(JSON.stringify(m.blocks)) ? m : undefined;
    },
    20_000,
    `plan message matching ${pattern}`,
  );
}

function press(harness: Harness, plan: FakeSlackMessage, actionId: string, userId: string, force = false) {
  return harness.slack.clickButton({ userId, channelId: CHANNEL, messageTs: plan.ts, actionId, value: runIdOf(plan), force });
}

describe('withdrawing a waiting plan and retrying it', () => {
  it('refuses an outsider, withdraws for the requester, then a retry plans it again as a linked run', async () => {
    const w = await start();
    await command(w, '--failed-deployment-id deploy-12345 --reason "5xx after deploy"');
    const plan = await waitForPlan(w);
    expect(actionIds(plan)).toEqual(['rollback_approve', 'rollback_reject', 'rollback_cancel']);
    // The plan names who may approve it: people and the on-call user group.
    expect(JSON.stringify(plan.blocks)).toContain(`<@${USERS.approver}> <@${USERS.second}> <!subteam^S0ONCALL>`);

    const refused = await press(w, plan, 'rollback_cancel', USERS.outsider);
    expect(refused.status).toBe(200);
    await waitForEphemeral(w, USERS.outsider, /Only the requester .* may cancel/);
    expect((await w.bot.store.getRun(runIdOf(plan)))?.status).toBe('awaiting_approval');

    await press(w, plan, 'rollback_cancel', USERS.requester);
    const cancelled = await planNow(w, plan, /\*Cancelled\.\*/);
    expect(actionIds(cancelled)).toEqual(['rollback_retry']);
    await waitForThread(w, plan, new RegExp(`Withdrawn\\* by <@${USERS.requester}>\\. Nothing was executed`));
    expect(realClusterWrites(w)).toEqual([]);

    await press(w, cancelled, 'rollback_retry', USERS.approver);
    const retried = await waitForPlan(w, 2);
    const newId = runIdOf(retried);
    expect(newId).not.toBe(runIdOf(plan));
    expect(JSON.stringify(retried.blocks)).toContain(`retry of run \`${runIdOf(plan)}\``);
    await waitForThread(w, plan, new RegExp(`<@${USERS.approver}> retried this rollback: the new plan is <[^|]+\\|run ${newId}>`));
    await waitForThread(w, retried, new RegExp(`This plan retries run \`${runIdOf(plan)}\``));
    const oldAudit = (await w.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json;
    expect(oldAudit.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['cancelled', 'retried']));
  });
});

describe('stopping an executing rollback', () => {
  it('stops before the next step and says which components were left where', async () => {
    const w = await start();
    await command(w, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(w);
    const view = (await w.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json as { steps: Array<{ component: string }> };
    const [first, second] = view.steps.map((s) => s.component);
    // The first step's new pods cannot be scheduled until the test lets them: the step is under way when Stop is pressed.
    w.k8s.setImageBehaviour(IMAGE(first!, 'v1.2.0'), 'unschedulable');

    await click(w, plan, 'rollback_approve', USERS.approver);
    const executing = await planNow(w, plan, /Step 1 running/);
    expect(actionIds(executing)).toEqual(['rollback_cancel']);
    await press(w, executing, 'rollback_cancel', USERS.second);
    await waitForThread(w, plan, new RegExp(`<@${USERS.second}> asked to stop this rollback`));
    const stopping = await planNow(w, plan, new RegExp(`Stopping\\* \\(asked by <@${USERS.second}>\\)`));
    expect(actionIds(stopping)).toEqual([]);

    w.k8s.setImageBehaviour(IMAGE(first!, 'v1.2.0'), 'healthy');
    const stopped = await waitForThread(w, plan, /Stopped\* by/);
    const text = JSON.stringify(stopped.blocks);
    expect(text).toContain(`Stopped* by <@${USERS.second}>`);
    expect(text).toContain('Step 1 done; step 2 not done.');
    expect(text).toMatch(new RegExp(`\\*${first}\\* — :white_check_mark: at the rollback target`));
    expect(text).toMatch(new RegExp(`\\*${second}\\* — :leftwards_arrow_with_hook: as before the rollback`));
    const final = await planNow(w, plan, /\*Cancelled\.\*/);
    expect(actionIds(final)).toEqual(['rollback_retry']);
    expect(w.k8s.getDeployment(NAMESPACE, second!)?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE(second!, 'v1.2.1'));
    expect(w.k8s.getDeployment(NAMESPACE, first!)?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE(first!, 'v1.2.0'));
  });
});

describe('cancel and retry from the API and the CLI', () => {
  it('cancels a waiting plan, refuses a second cancel, and retries the cancelled run', async () => {
    const w = await start();
    await command(w, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(w);
    const id = runIdOf(plan);
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const env = { SMARTSPEC_URL: w.bot.url, SMARTSPEC_API_TOKEN: API_TOKEN };

    expect((await w.api('POST', `/api/v1/rollbacks/${id}/cancel`, undefined, null)).status).toBe(401);
    expect((await w.api('POST', `/api/v1/rollbacks/${id}/cancel`, { now: true })).status).toBe(400);
    expect(await runCli(['cancel', id], env, io)).toBe(0);
    expect(lines.join('\n')).toContain(`Run ${id} cancelled`);
    await planNow(w, plan, /\*Cancelled\.\*/);
    await waitForThread(w, plan, /Withdrawn\* by CI \(API\)/);

    const again = await w.api('POST', `/api/v1/rollbacks/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.json.error).toContain('already cancelled');
    expect(await runCli(['cancel', id], env, io)).toBe(2);
    expect(await runCli(['cancel', 'rb-nothing'], env, io)).toBe(2);
    expect(lines.join('\n')).toContain('There is no rollback run rb-nothing');

    expect(await runCli(['retry', id], env, io)).toBe(0);
    const retried = await waitForPlan(w, 2);
    expect(lines.join('\n')).toContain(`Run ${id} planned again as run ${runIdOf(retried)}`);
  });
});

describe('periodic work seen in Slack', () => {
  it('reminds the approvers in the thread once, then expires the plan and removes its buttons', async () => {
    let offsetMs = 0;
    const w = await start({ now: () => new Date(Date.now() + offsetMs) });
    await command(w, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(w);
    // The bot records where the plan was posted just after Slack answers: wait for that before moving time.
    await eventually(async () => (await w.bot.store.getRun(runIdOf(plan)))?.message, 10_000, 'the plan message recorded');

    offsetMs += 6 * 60_000; // past approvals.remindAfterMinutes (5)
    await w.bot.coordinator.tick();
    const reminder = await waitForThread(w, plan, /has waited \d+ min for approval/);
    expect(`${reminder.text} ${JSON.stringify(reminder.blocks)}`).toContain(`<@${USERS.approver}> <@${USERS.second}> <!subteam^S0ONCALL>`);

    offsetMs += 25 * 60_000; // past the plan's expiry (planExpiryMinutes, 30 by default)
    await w.bot.coordinator.tick();
    const expired = await planNow(w, plan, /\*Expired\*/);
    expect(actionIds(expired)).toEqual(['rollback_retry']);
    expect(w.slack.threadReplies(CHANNEL, plan.ts).filter((m) => /has waited/.test(JSON.stringify(m.blocks)))).toHaveLength(1);
    expect((await w.bot.store.getRun(runIdOf(plan)))?.status).toBe('expired');
  });
});

describe('a button this version does not know', () => {
  it('is acked and answered, not left to time out', async () => {
    const w = await start();
    await command(w, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(w);
    const delivery = await press(w, plan, 'rollback_pause', USERS.approver, true);
    expect(delivery.status).toBe(200);
    await waitForEphemeral(w, USERS.approver, /button \(`rollback_pause`\) is not one this version of the rollback bot knows/);
    expect((await w.bot.store.getRun(runIdOf(plan)))?.status).toBe('awaiting_approval');
  });
});

describe('a rollback whose bot stopped mid-step, seen in Slack', () => {
  async function stoppedMidStep(w: Harness) {
    await command(w, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(w);
    const view = (await w.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json as { steps: Array<{ component: string }> };
    const components = view.steps.map((s) => s.component);
    // The first step's new pods wait to be scheduled: the bot is stopped while that step is under way.
    w.k8s.setImageBehaviour(IMAGE(components[0]!, 'v1.2.0'), 'unschedulable');
    await click(w, plan, 'rollback_approve', USERS.approver);
    await planNow(w, plan, /Step 1 running/);
    return { plan, components };
  }

  it('is resumed by the next start, which says so in the thread and finishes', async () => {
    const w = await start();
    const { plan, components } = await stoppedMidStep(w);
    await w.restartBot();
    w.k8s.setImageBehaviour(IMAGE(components[0]!, 'v1.2.0'), 'healthy');
    const resumed = await waitForThread(w, plan, /Resumed\./);
    expect(JSON.stringify(resumed.blocks)).toMatch(/Continuing from step 1|No step had completed/);
    await planNow(w, plan, /Rolled back/);
    await waitForThread(w, plan, /Verification passed/);
  });

  it('stops as interrupted when someone moved a component meanwhile, says what was found, and offers Retry', async () => {
    const w = await start();
    const { plan, components } = await stoppedMidStep(w);
    await w.bot.stop();
    // Someone fixes the second component by hand while the bot is down.
    const second = w.k8s.getDeployment(NAMESPACE, components[1]!)!;
    const response = await fetch(`${w.k8s.url}/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${components[1]}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${w.k8s.token}`, 'content-type': 'application/strategic-merge-patch+json' },
      body: JSON.stringify({
        spec: {
          template: { spec: { containers: [{ name: second.spec!.template.spec!.containers[0]!.name, image: IMAGE(components[1]!, 'v9.9.9') }] } },
        },
      }),
    });
    expect(response.status).toBe(200);
    await w.restartBot();
    const note = await waitForThread(w, plan, /Interrupted\.\*/);
    const text = JSON.stringify(note.blocks);
    expect(text).toContain('What was found:');
    expect(text).toContain(`${components[1]} runs ${IMAGE(components[1]!, 'v9.9.9')}`);
    const final = await planNow(w, plan, /\*Interrupted:\*/);
    expect(actionIds(final)).toEqual(['rollback_retry']);
  });
});
