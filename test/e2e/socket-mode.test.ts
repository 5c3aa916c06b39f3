// With SLACK_APP_TOKEN the bot takes Slack's traffic over Socket Mode: the same flow, no public URL,
// and our own HTTP routes still served.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { click, command, hasButtons, realClusterWrites, waitForEphemeral, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ socketMode: true, failedBehaviour: 'crash' });
  await recordStandardHistory(h);
});
afterAll(async () => {
  await h.close();
});

it('plans, refuses, approves, rolls back and reports over Socket Mode', async () => {
  const ack = await command(h, '--failed-deployment-id deploy-12345');
  expect(ack.body).toContain('Building a rollback plan');
  const plan = await waitForPlan(h);
  expect(hasButtons(plan)).toBe(true);
  await click(h, plan, 'rollback_approve', USERS.outsider);
  await waitForEphemeral(h, USERS.outsider, /not an approver/);
  expect(realClusterWrites(h)).toEqual([]);
  await click(h, plan, 'rollback_approve', USERS.approver);
  await waitForThread(h, plan, /Verification passed/);
  await waitForThread(h, plan, /Root cause/);
});

it('answers a usage error in the ack, and keeps its own HTTP routes while /slack/events is gone', async () => {
  const ack = await command(h, '--failed-deployment-id');
  expect(ack.body).toContain('needs a value');
  expect((await h.api('GET', '/healthz', undefined, null)).status).toBe(200);
  expect((await fetch(`${h.bot.url}/slack/events`, { method: 'POST', body: 'x' })).status).toBe(404);
});
