// The walking skeleton end to end: slash command → plan → approval → Kubernetes rollback → thread reports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL, IMAGE, NAMESPACE, USERS, recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { genuineRoundTrip } from '../support/round-trip.js';
import {
  click,
  clusterWrites,
  realClusterWrites,
  command,
  ephemeralTexts,
  hasButtons,
  planMessages,
  runIdOf,
  threadHeaders,
  waitForEphemeral,
  waitForPlan,
  waitForThread,
} from './flow-helpers.js';

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ failedBehaviour: 'crash' });
  await recordStandardHistory(h);
});
afterEach(async () => {
  await h.close();
});

describe('rolling back a failed deploy from Slack', () => {
  it('plans, asks, executes once on approval, verifies and explains — in the channel and its thread', async () => {
    const ack = await command(h, '--failed-deployment-id deploy-12345 --reason "checkout 5xx after deploy"');
    expect(ack.elapsedMs).toBeLessThan(3_000);
    expect(ack.body).toContain('Building a rollback plan');

    const plan = await waitForPlan(h);
    const planText = JSON.stringify(plan.blocks);
    expect(planText).toContain('v1.2.1');
    expect(planText).toContain('v1.2.0');
    expect(planText).toContain('checkout 5xx after deploy');
    expect(planText).toContain('Safety checks');
    expect(hasButtons(plan)).toBe(true);
    const runId = runIdOf(plan);

    const approval = await click(h, plan, 'rollback_approve', USERS.approver);
    expect(approval.status).toBe(200);

    await waitForThread(h, plan, /Verification passed/);
    await waitForThread(h, plan, /Root cause/);
    const headers = threadHeaders(h, plan);
    expect(headers[0]).toContain('Verification');
    expect(headers[1]).toContain('Root cause');

    const rootCause = JSON.stringify(h.slack.threadReplies(CHANNEL, plan.ts)[1]?.blocks);
    expect(rootCause).toContain('CrashLoopBackOff');
    expect(rootCause).toContain('relation \\"orders_v2\\" does not exist');
    expect(rootCause).not.toContain('hunter2');

    const final = await h.slack.waitFor(
      () => {
        const m = h.slack.findMessage(CHANNEL, plan.ts);
        return m && /Rolled back/.test(JSON.stringify(m.blocks)) ? m : undefined;
      },
      10_000,
      'final plan message',
    );
    expect(hasButtons(final)).toBe(false);

    for (const component of ['checkout-api', 'checkout-worker']) {
      const d = h.k8s.getDeployment(NAMESPACE, component);
      expect(d?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE(component, 'v1.2.0'));
    }

    const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ id: runId, status: 'succeeded', service: 'checkout', fromVersion: 'v1.2.1', toVersion: 'v1.2.0' });
    expect(view.json.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done']);
    expect(view.json.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['requested', 'approval', 'approved', 'executing', 'step_done', 'verifying', 'succeeded']),
    );
  });

  it('executes once however many approve clicks arrive, and tells late clickers what happened', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const clicks = await Promise.all(Array.from({ length: 20 }, () => click(h, plan, 'rollback_approve', USERS.approver, true)));
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await waitForThread(h, plan, /Verification/);
    const templatePatches = clusterWrites(h).filter((r) => r.method === 'PATCH' && r.path.includes('/deployments/'));
    expect(templatePatches).toHaveLength(2); // one per component, once
    await click(h, plan, 'rollback_approve', USERS.second, true);
    await waitForEphemeral(h, USERS.second, /already (approved|executing|succeeded|verifying)/);
  });

  it('refuses an approver who is not in the policy, and an approver approving their own request', async () => {
    await command(h, '--failed-deployment-id deploy-12345', USERS.approver);
    const plan = await waitForPlan(h);
    await click(h, plan, 'rollback_approve', USERS.outsider);
    await waitForEphemeral(h, USERS.outsider, /not an approver for checkout/);
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForEphemeral(h, USERS.approver, /another approver must approve/);
    expect(clusterWrites(h)).toEqual([]);
    const view = await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`);
    expect(view.json.status).toBe('awaiting_approval');
    expect(view.json.timeline.filter((e: { type: string }) => e.type === 'refused')).toHaveLength(2);
  });

  it('accepts an approver through a Slack user group', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    await click(h, plan, 'rollback_approve', USERS.groupMember);
    await waitForThread(h, plan, /Verification/);
  });

  it('asks for a reason in a modal, records the rejection with who and why, and executes nothing', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    await click(h, plan, 'rollback_reject', USERS.outsider);
    await waitForEphemeral(h, USERS.outsider, /not an approver/);
    expect(h.slack.views).toHaveLength(0);

    await click(h, plan, 'rollback_reject', USERS.approver);
    const view = await h.slack.waitFor(() => h.slack.views[0], 5_000, 'the reject modal');
    const submitted = await h.slack.submitView({
      viewId: view.id,
      userId: USERS.approver,
      values: { reason: { reason_input: 'the error rate recovered by itself' } },
    });
    expect(submitted.status).toBe(200);
    const updated = await h.slack.waitFor(
      () => {
        const m = h.slack.findMessage(CHANNEL, plan.ts);
        return m && /Rejected/.test(JSON.stringify(m.blocks)) ? m : undefined;
      },
      10_000,
      'rejected message',
    );
    expect(hasButtons(updated)).toBe(false);
    const run = await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`);
    expect(run.json.timeline.find((e: { type: string }) => e.type === 'rejected')).toMatchObject({
      actor: { id: USERS.approver },
      detail: 'rejected: the error rate recovered by itself',
    });
    await click(h, plan, 'rollback_approve', USERS.second, true);
    await waitForEphemeral(h, USERS.second, /already rejected by approver \(U0APPROVE\)/);
    expect(clusterWrites(h)).toEqual([]);
  });

  it('shows a dry run without buttons, proves every write with dryRun=All, and changes nothing', async () => {
    await command(h, '--failed-deployment-id deploy-12345 --dry-run');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('Dry run');
    expect(hasButtons(plan)).toBe(false);
    await h.slack.waitFor(
      () => /accepted every write/.test(JSON.stringify(h.slack.findMessage(CHANNEL, plan.ts)?.blocks)),
      10_000,
      'the dry run verdict',
    );
    await click(h, plan, 'rollback_approve', USERS.approver, true);
    await waitForEphemeral(h, USERS.approver, /dry run/);
    expect(clusterWrites(h).map((r) => r.query['dryRun'])).toEqual(['All', 'All']);
    expect(realClusterWrites(h)).toEqual([]);
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-api')?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE('checkout-api', 'v1.2.1'));
  });

  it('rolls back to an explicit --target-version', async () => {
    await command(h, '--failed-deployment-id deploy-12345 --target-version v1.1.0');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('checkout-api:v1.1.0');
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-api')?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE('checkout-api', 'v1.1.0'));
  });
});

describe('bad input is refused clearly, privately, and changes nothing', () => {
  it.each([
    ['an unknown deployment id', '--failed-deployment-id deploy-99999', /No deployment `deploy-99999` is recorded/],
    ['a target equal to the failed version', '--failed-deployment-id deploy-12345 --target-version v1.2.1', /is the failed version itself/],
    ['a target not in the history', '--failed-deployment-id deploy-12345 --target-version v0.9', /not in the history.*Earlier versions: `v1.2.0`/],
    ['an id with forbidden characters', '--failed-deployment-id "deploy;rm -rf /"', /is not valid/],
    ['a version with forbidden characters', '--failed-deployment-id deploy-12345 --target-version "v1 $(x)"', /is not valid/],
    ['an unknown flag', '--failed-deployment-id deploy-12345 --yolo', /Unknown flag `--yolo`/],
    ['a repeated flag', '--failed-deployment-id a --failed-deployment-id b', /given twice/],
    ['--auto-approve by someone not allowed', '--failed-deployment-id deploy-12345 --auto-approve', /may not use `--auto-approve`/],
  ])('%s', async (_name, text, message) => {
    const ack = await command(h, text);
    await waitForEphemeral(h, USERS.requester, message);
    expect(ack.elapsedMs).toBeLessThan(3_000);
    expect(planMessages(h)).toEqual([]);
    expect(h.slack.messagesIn(CHANNEL)).toEqual([]);
    expect(clusterWrites(h)).toEqual([]);
  });

  it.each([
    ['a forged signature', { badSignature: true }],
    ['no signature', { unsigned: true }],
    ['a stale timestamp', { timestampSeconds: Math.floor(Date.now() / 1000) - 6 * 60 }],
  ])('rejects a request with %s: 401 and nothing posted', async (_name, opts) => {
    const delivery = await h.slack.sendSlashCommand({
      command: '/smartspec_rollback',
      text: '--failed-deployment-id deploy-12345',
      userId: USERS.requester,
      channelId: CHANNEL,
      ...opts,
    });
    expect(delivery.status).toBe(401);
    await genuineRoundTrip(h.slack);
    expect(h.slack.messagesIn(CHANNEL)).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('answers a click carrying a forged run id without doing anything', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const forged = { ...plan, blocks: JSON.parse(JSON.stringify(plan.blocks).replaceAll(runIdOf(plan), 'rb-doesnotexist')) };
    await h.slack.clickButton({
      userId: USERS.approver,
      channelId: CHANNEL,
      messageTs: forged.ts,
      actionId: 'rollback_approve',
      value: 'rb-doesnotexist',
      force: true,
    });
    await waitForEphemeral(h, USERS.approver, /no rollback run rb-doesnotexist/);
    expect(clusterWrites(h)).toEqual([]);
    expect(ephemeralTexts(h, USERS.approver).join()).not.toContain('stack');
  });
});

describe('blocked plans', () => {
  it('shows the blockers instead of an Approve button, and no click can execute it', async () => {
    await h.recordDeployment({
      id: 'deploy-12346',
      version: 'v1.2.2',
      createdAt: '2026-11-20T11:00:00Z',
      migrations: [{ id: '20261120_drop_orders', reversible: false, destructive: true, mayLoseData: true }],
    });
    await command(h, '--failed-deployment-id deploy-12346 --target-version v1.2.0');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('has no down migration');
    expect(hasButtons(plan)).toBe(false);
    await click(h, plan, 'rollback_approve', USERS.approver, true);
    await waitForEphemeral(h, USERS.approver, /blocked and cannot be executed/);
    expect(clusterWrites(h)).toEqual([]);
  });
});

describe('re-checking the cluster at click time', () => {
  it('executes nothing when the cluster drifted since the plan, says what changed, and posts a refreshed plan', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    // Someone hot-fixes checkout-api by hand while the plan waits for approval.
    const { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromString(h.k8s.kubeConfigYaml());
    await kc.makeApiClient(AppsV1Api).patchNamespacedDeployment(
      {
        name: 'checkout-api',
        namespace: NAMESPACE,
        body: { spec: { template: { spec: { containers: [{ name: 'checkout-api', image: IMAGE('checkout-api', 'v1.2.1-hotfix') }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    // The hot-fix finished rolling out (one still in progress would rightly block the refreshed plan).
    await h.k8s.waitForRolloutComplete(NAMESPACE, 'checkout-api', 10_000);
    h.k8s.clearRequests();

    await click(h, plan, 'rollback_approve', USERS.approver);
    const note = await waitForThread(h, plan, /Not executed: the cluster changed/);
    expect(`${note.text} ${JSON.stringify(note.blocks)}`).toContain(
      'checkout-api runs registry.example/checkout-api:v1.2.1-hotfix (was registry.example/checkout-api:v1.2.1)',
    );
    const fresh = await waitForPlan(h, 2);
    expect(JSON.stringify(fresh.blocks)).toContain('Drift');
    expect(hasButtons(fresh)).toBe(true);
    expect(realClusterWrites(h)).toEqual([]);
    const view = await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`);
    expect(view.json.status).toBe('cancelled');
  });
});
