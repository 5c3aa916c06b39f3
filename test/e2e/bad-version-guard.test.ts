// Issue 14's two demo sequences, over the demo's own seed (sandbox/demo) and the Kubernetes emulator:
// the bot chooses v1.2.0 or refuses with a reason — never v1.1.0 ("a rollback to a newer version")
// and never v1.2.1 (the version a run already rolled back, known again under its discovered id).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { badDeployTrigger } from '../../sandbox/demo/bad-deploy-trigger.js';
import { initialDemoState, recordPendingDeployments, seedCluster } from '../../sandbox/demo/demo-seed.js';
import type { DemoState } from '../../sandbox/demo/demo-state-file.js';
import { API_TOKEN, DEFAULT_CATALOG, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { click, command, hasButtons, planMessages, realClusterWrites, runIdOf, waitForEphemeral, waitForPlan } from './flow-helpers.js';

// The catalog's default requireReasonIn ([production]) applies here: every command says why.
const CATALOG = DEFAULT_CATALOG.replace('requireReasonIn: []\n', '');
const WHY = '--reason "checkout-api crash-looping"';

let h: Harness;
let state: DemoState;

beforeEach(async () => {
  state = initialDemoState(new Date());
  // The demo's second service (storefront) is not in this test's catalog: its history is not the story here.
  state.deployments = state.deployments.filter((entry) => entry.body['service'] === 'checkout');
  h = await startHarness({ catalog: CATALOG, seedCluster: (k8s) => seedCluster(k8s, state) });
  await recordPendingDeployments(h.bot.url, API_TOKEN, state, () => undefined);
});
afterEach(async () => {
  await h.close();
});

async function runView(runId: string) {
  const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
  expect(view.status).toBe(200);
  return view.json as {
    status: string;
    fromVersion: string;
    toVersion: string;
    risk: string;
    requiredApprovals: number;
    plan?: unknown;
    checks?: Array<{ id: string; outcome: string; message: string }>;
  } & Record<string, unknown>;
}

async function settled(runId: string): Promise<string> {
  return eventually(
    async () => {
      const { status } = await runView(runId);
      return ['succeeded', 'failed', 'interrupted'].includes(status) ? status : undefined;
    },
    60_000,
    `run ${runId} to finish`,
  );
}

describe('demo sequence 1: a discovered revision id as the failed deployment', () => {
  it('refuses checkout@r1 (v1.1.0, the oldest version) instead of "rolling back" to the newer v1.2.0, and says what to name', async () => {
    await command(h, `--failed-deployment-id checkout@r1 ${WHY}`, USERS.requester);
    const refusal = await waitForEphemeral(h, USERS.requester, /before `v1\.1\.0`/);
    expect(refusal).toContain('--failed-deployment-id deploy-12345');
    expect(planMessages(h)).toHaveLength(0);
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('plans checkout@r3 as the recorded deploy-12345, back to v1.2.0 (deploy-200), not to a discovered twin', async () => {
    await command(h, `--failed-deployment-id checkout@r3 ${WHY}`);
    const plan = await waitForPlan(h);
    const view = await runView(runIdOf(plan));
    expect(view).toMatchObject({ fromVersion: 'v1.2.1', toVersion: 'v1.2.0', failedDeploymentId: 'deploy-12345', targetDeploymentId: 'deploy-200' });
    expect(JSON.stringify(plan.blocks)).not.toContain('v1.1.0');
  });
});

describe('demo sequence 2: after v1.2.1 was rolled back, the next bad deploy', () => {
  it('chooses v1.2.0 — never the rolled-back v1.2.1 — and refuses to plan deploy-12345 again', async () => {
    // Learn the cluster's history first, as the demo did: checkout@r1..r3 now sit next to CI's records.
    await command(h, `--failed-deployment-id checkout@r1 ${WHY}`);
    await waitForEphemeral(h, USERS.requester, /before `v1\.1\.0`/);

    await command(h, `--failed-deployment-id deploy-12345 ${WHY}`);
    const first = await waitForPlan(h);
    expect((await runView(runIdOf(first))).toVersion).toBe('v1.2.0');
    await click(h, first, 'rollback_approve', USERS.approver);
    expect(await settled(runIdOf(first))).toBe('succeeded');

    // Planning the rolled-back deploy again is refused, with what to do instead; nothing more runs.
    const writes = realClusterWrites(h).length;
    await command(h, `--failed-deployment-id deploy-12345 ${WHY}`, USERS.second);
    const again = await waitForEphemeral(h, USERS.second, /already rolled back/);
    expect(again).toContain(runIdOf(first));
    expect(planMessages(h)).toHaveLength(1);
    expect(realClusterWrites(h)).toHaveLength(writes);

    const trigger = badDeployTrigger({
      k8s: h.k8s,
      botUrl: () => h.bot.url,
      apiToken: API_TOKEN,
      state,
      save: () => undefined,
      now: () => new Date(),
    });
    await trigger.run();
    expect(realClusterWrites(h).length).toBeGreaterThan(writes); // CI's patches, not the bot's

    // Naming the rolled-back version is allowed only as a HIGH-risk plan that says why it is suspect.
    await command(h, `--failed-deployment-id deploy-12346 --target-version v1.2.1 --dry-run ${WHY}`);
    const named = await waitForPlan(h, 2);
    const namedView = await runView(runIdOf(named));
    expect(namedView).toMatchObject({ toVersion: 'v1.2.1', risk: 'HIGH', requiredApprovals: 2 });
    expect(JSON.stringify(named.blocks)).toContain(`run ${runIdOf(first)} rolled it back`);

    await command(h, `--failed-deployment-id deploy-12346 ${WHY}`);
    const second = await waitForPlan(h, 3);
    const view = await runView(runIdOf(second));
    expect(view).toMatchObject({ fromVersion: 'v1.2.2', toVersion: 'v1.2.0', targetDeploymentId: 'deploy-200' });
    expect(hasButtons(second)).toBe(true);
  });
});

describe('naming a version', () => {
  it('refuses a version newer than the failed one — a rollback never goes forward — listing earlier ones; nothing planned', async () => {
    await command(h, `--failed-deployment-id deploy-200 --target-version v1.2.1 ${WHY}`);
    const refusal = await waitForEphemeral(h, USERS.requester, /never goes forward/);
    expect(refusal).toContain('`v1.1.0` (deploy-100');
    expect(planMessages(h)).toHaveLength(0);
    expect(realClusterWrites(h)).toEqual([]);
  });
});

describe('a reason where it matters', () => {
  it('refuses a production request without --reason, showing how to add one, and plans nothing', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const refusal = await waitForEphemeral(h, USERS.requester, /need a reason/);
    expect(refusal).toContain('--reason');
    expect(planMessages(h)).toHaveLength(0);
    expect(realClusterWrites(h)).toEqual([]);
  });
});
