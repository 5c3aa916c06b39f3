// --force: a way through for people, never for the bot. A GitOps-owned Deployment blocks a rollback
// (Git would undo it); --force with a reason turns that into a warning, makes the plan CRITICAL with
// two approvers, and the audit says "forced". It never overrides an irreversible migration, never
// combines with --auto-approve, and never comes without a reason. Refusals execute nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGE, NAMESPACE, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { click, command, hasButtons, planMessages, realClusterWrites, runIdOf, waitForEphemeral, waitForPlan } from './flow-helpers.js';

const VERSIONS = ['v1.1.0', 'v1.2.0', 'v1.2.1'];

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** checkout-api is tracked by an Argo CD application; the history is the standard one. */
async function start(failedMigration?: { reversible: boolean }) {
  h = await startHarness({
    seedCluster: (k8s) => {
      for (const [component, replicas] of [
        ['checkout-api', 3],
        ['checkout-worker', 2],
      ] as const) {
        k8s.seedDeployment({
          namespace: NAMESPACE,
          name: component,
          replicas,
          ...(component === 'checkout-api'
            ? { annotations: { 'argocd.argoproj.io/tracking-id': 'checkout-prod:apps/Deployment:shop/checkout-api' } }
            : {}),
          containers: [{ name: component, image: IMAGE(component, 'v1.2.1') }],
          history: VERSIONS.map((v) => ({ images: { [component]: IMAGE(component, v) } })),
        });
      }
    },
  });
  await h.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
  await h.recordDeployment({
    id: 'deploy-12345',
    version: 'v1.2.1',
    createdAt: '2026-11-20T10:30:00Z',
    status: 'failed',
    ...(failedMigration
      ? { migrations: [{ id: '20261120_orders_v2', reversible: failedMigration.reversible, destructive: false, mayLoseData: false }] }
      : {}),
  });
}

async function view(runId: string) {
  return (await h.api('GET', `/api/v1/rollbacks/${runId}`)).json;
}

describe('--force', () => {
  it('without it, a GitOps-owned service is blocked and the plan says how to go through', async () => {
    await start();
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const v = await view(runIdOf(plan));
    expect(v.status).toBe('blocked');
    expect(v.checks.find((c: { id: string }) => c.id === 'gitops')).toMatchObject({ outcome: 'block' });
    expect(JSON.stringify(plan.blocks)).toContain('--force');
    expect(hasButtons(plan)).toBe(false);
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('with a reason: CRITICAL, two approvers (not the requester), audited as forced, then executes', async () => {
    await start();
    await command(h, '--failed-deployment-id deploy-12345 --force --reason "Argo CD auto-sync suspended for checkout-prod"');
    const plan = await waitForPlan(h);
    const runId = runIdOf(plan);
    const v = await view(runId);
    expect(v).toMatchObject({ status: 'awaiting_approval', risk: 'CRITICAL', requiredApprovals: 2, forced: true });
    expect(v.checks.find((c: { id: string }) => c.id === 'gitops')).toMatchObject({ outcome: 'warn', forced: true });
    expect(v.timeline[0].detail).toContain('forced');
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('Forced');
    expect(text).toContain('Argo CD auto-sync suspended');

    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForEphemeral(h, USERS.approver, /1 more approval/);
    expect(realClusterWrites(h)).toEqual([]);
    await click(h, plan, 'rollback_approve', USERS.second);
    const status = await eventually(
      async () => {
        const s = (await view(runId)).status;
        return ['succeeded', 'failed'].includes(s) ? s : undefined;
      },
      60_000,
      'the forced run to finish',
    );
    expect(status).toBe('succeeded');
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-api')?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE('checkout-api', 'v1.2.0'));
  });

  it.each([
    [
      'with --auto-approve',
      `--failed-deployment-id deploy-12345 --force --auto-approve --reason "x"`,
      USERS.ciBot,
      /never combines with `--auto-approve`/,
    ],
    ['without a reason', '--failed-deployment-id deploy-12345 --force', USERS.requester, /`--force` needs a `--reason`/],
  ])('is refused %s, and nothing is planned or executed', async (_name, text, user, message) => {
    await start();
    await command(h, text, user);
    await waitForEphemeral(h, user, message);
    expect(planMessages(h)).toHaveLength(0);
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('never overrides an irreversible migration: still blocked, saying so', async () => {
    await start({ reversible: false });
    await command(h, '--failed-deployment-id deploy-12345 --force --reason "we know"');
    const plan = await waitForPlan(h);
    const v = await view(runIdOf(plan));
    expect(v.status).toBe('blocked');
    expect(v.checks.find((c: { id: string }) => c.id === 'migrations')).toMatchObject({ outcome: 'block' });
    expect(v.checks.find((c: { id: string }) => c.id === 'forced').message).toContain('Still blocked by migrations');
    expect(hasButtons(plan)).toBe(false);
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('is refused through the API: machines never force', async () => {
    await start();
    const created = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12345', force: true, reason: 'x' });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.json)).toMatch(/force.*is for people in Slack, never for automation/);
    expect(planMessages(h)).toHaveLength(0);
  });
});
