// Approvals people can trust: distinct approvers for risky plans, groups resolved honestly, and a
// plan message that tells the truth at every step.
import { afterEach, expect, it } from 'vitest';
import { CHANNEL, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { click, command, realClusterWrites, waitForEphemeral, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

it('needs two distinct approvers for a HIGH risk plan, and never counts the requester', async () => {
  h = await startHarness();
  await recordStandardHistory(h);
  await h.recordDeployment({
    id: 'deploy-12346',
    version: 'v1.2.2',
    createdAt: '2026-11-20T11:00:00Z',
    migrations: [{ id: 'm_add_column', reversible: true, destructive: false, mayLoseData: false }],
  });
  await command(h, '--failed-deployment-id deploy-12346 --target-version v1.2.0', USERS.approver);
  const plan = await waitForPlan(h);
  expect(JSON.stringify(plan.blocks)).toContain('HIGH');
  await click(h, plan, 'rollback_approve', USERS.approver);
  await waitForEphemeral(h, USERS.approver, /HIGH risk: the requester cannot approve it/);
  await click(h, plan, 'rollback_approve', USERS.second);
  await waitForEphemeral(h, USERS.second, /Approval recorded\. 1 more approval\(s\) needed/);
  await click(h, plan, 'rollback_approve', USERS.second, true);
  await waitForEphemeral(h, USERS.second, /already approved/);
  expect(realClusterWrites(h)).toEqual([]);
  await click(h, plan, 'rollback_approve', USERS.groupMember);
  await waitForThread(h, plan, /Verification/);
});

it('refuses a user-group member once removed from the group, after the membership cache expires', async () => {
  let offsetMs = 0;
  h = await startHarness({ clock: { now: () => new Date(Date.now() + offsetMs) } });
  await recordStandardHistory(h);
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  await click(h, plan, 'rollback_reject', USERS.groupMember); // allowed: opens the modal, warms the cache
  await h.slack.waitFor(() => h.slack.views[0], 5_000, 'the reject modal');
  h.slack.workspace.userGroups.set('S0ONCALL', []);
  offsetMs = 2 * 60_000;
  await click(h, plan, 'rollback_approve', USERS.groupMember);
  await waitForEphemeral(h, USERS.groupMember, /not an approver for checkout/);
  expect(realClusterWrites(h)).toEqual([]);
});

it('refuses when Slack cannot say who is in an approver group — never allows on doubt', async () => {
  h = await startHarness();
  await recordStandardHistory(h);
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  h.slack.failNext('usergroups.users.list', 'internal_error', 10);
  await click(h, plan, 'rollback_approve', USERS.groupMember);
  await waitForEphemeral(h, USERS.groupMember, /Could not check membership of approver group S0ONCALL/);
  expect(realClusterWrites(h)).toEqual([]);
});

it('keeps the plan message truthful, in order: waiting, approved, rolling back, verifying, rolled back', async () => {
  h = await startHarness({ failedBehaviour: 'crash' });
  await recordStandardHistory(h);
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  await click(h, plan, 'rollback_approve', USERS.approver);
  await waitForThread(h, plan, /Root cause/);
  const message = await h.slack.waitFor(
    () => {
      const m = h.slack.findMessage(CHANNEL, plan.ts);
      return m && /Rolled back/.test(JSON.stringify(m.blocks)) ? m : undefined;
    },
    10_000,
    'final message',
  );
  const versions = [...message.history.map((v) => JSON.stringify(v.blocks)), JSON.stringify(message.blocks)];
  const stages = ['Approve this plan', 'Rolling back', 'Step 1 running', 'Step 1 done', 'Step 2 done', 'Verifying', 'Rolled back'];
  const firstSeen = stages.map((stage) => versions.findIndex((v) => v.includes(stage)));
  expect(firstSeen.every((i) => i >= 0)).toBe(true);
  expect([...firstSeen].sort((a, b) => a - b)).toEqual(firstSeen);
});
