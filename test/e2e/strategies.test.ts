// Full, partial and instant (blue-green) rollbacks, and the fallback when the old revision is gone.
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, DEFAULT_CATALOG, IMAGE, NAMESPACE, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { click, command, hasButtons, realClusterWrites, runIdOf, waitForEphemeral, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe('partial rollback', () => {
  it('rolls back only the named component', async () => {
    h = await startHarness();
    await recordStandardHistory(h);
    await command(h, '--failed-deployment-id deploy-12345 --component checkout-worker');
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('checkout-worker');
    expect(text).not.toContain('Roll `checkout-api`');
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-worker')?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE('checkout-worker', 'v1.2.0'));
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-api')?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE('checkout-api', 'v1.2.1'));
    expect((await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.strategy).toBe('partial');
  });

  it.each([
    ['a core component alone', '--component checkout-api', /core component of checkout: it may not be rolled back alone/],
    ['an unknown component', '--component checkout-nope', /checkout has no component `checkout-nope`/],
    ['the same component twice', '--component checkout-worker --component checkout-worker', /named twice/],
  ])('refuses %s and changes nothing', async (_name, flags, message) => {
    h = await startHarness();
    await recordStandardHistory(h);
    await command(h, `--failed-deployment-id deploy-12345 ${flags}`);
    await waitForEphemeral(h, USERS.requester, message);
    expect(h.slack.messagesIn(CHANNEL)).toEqual([]);
    expect(realClusterWrites(h)).toEqual([]);
  });
});

it('sets the recorded image back when the target revision is no longer in the cluster, and says so', async () => {
  h = await startHarness();
  await recordStandardHistory(h);
  await h.recordDeployment({ id: 'deploy-050', version: 'v1.0.0', createdAt: '2026-11-10T09:00:00Z' });
  await command(h, '--failed-deployment-id deploy-12345 --target-version v1.0.0');
  const plan = await waitForPlan(h);
  expect(JSON.stringify(plan.blocks)).toContain('only the recorded image is set back');
  await click(h, plan, 'rollback_approve', USERS.approver);
  await waitForThread(h, plan, /Verification passed/);
  expect(h.k8s.getDeployment(NAMESPACE, 'checkout-api')?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE('checkout-api', 'v1.0.0'));
});

describe('instant (blue-green) rollback', () => {
  const catalog = DEFAULT_CATALOG.replace(
    'deployments: [checkout-api, checkout-worker]',
    'deployments: [checkout-blue, checkout-green]\n      blueGreen: { service: checkout, label: slot }',
  ).replace('      core: [checkout-api]\n', '');
  const seed = (idleReplicas: number) => (k8s: Harness['k8s']) => {
    k8s.seedDeployment({
      namespace: NAMESPACE,
      name: 'checkout-blue',
      labels: { app: 'checkout', slot: 'blue' },
      replicas: idleReplicas,
      containers: [{ name: 'app', image: IMAGE('checkout', 'v1.2.0') }],
    });
    k8s.seedDeployment({
      namespace: NAMESPACE,
      name: 'checkout-green',
      labels: { app: 'checkout', slot: 'green' },
      replicas: 3,
      containers: [{ name: 'app', image: IMAGE('checkout', 'v1.2.1') }],
    });
    k8s.seedService({ namespace: NAMESPACE, name: 'checkout', selector: { app: 'checkout', slot: 'green' } });
  };
  const body = (id: string, version: string, side: string, createdAt: string, status = 'succeeded') => ({
    id,
    service: 'checkout',
    environment: 'production',
    version,
    status,
    createdAt,
    createdBy: 'ci',
    components: { [side]: { image: IMAGE('checkout', version), replicas: 3 } },
    migrations: [],
    verification: { smoke: true },
  });

  it('warms the cold idle side and waits for it before moving traffic, then scales the failed side down', async () => {
    h = await startHarness({ catalog, seedCluster: seed(0) });
    expect((await h.api('POST', '/api/v1/deployments', body('bg-1', 'v1.2.0', 'checkout-blue', '2026-11-19T09:00:00Z'))).status).toBe(201);
    expect((await h.api('POST', '/api/v1/deployments', body('bg-2', 'v1.2.1', 'checkout-green', '2026-11-20T10:30:00Z', 'failed'))).status).toBe(201);
    await command(h, '--failed-deployment-id bg-2');
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('has 0/3 ready replicas: the plan scales it up and waits before moving traffic');
    expect(text).toMatch(/Scale `checkout-blue` \(blue\) to 3[\s\S]*Switch Service `checkout`[\s\S]*Scale the failed side `checkout-green`/);
    expect(hasButtons(plan)).toBe(true);
    h.k8s.clearRequests();
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);

    const writes = realClusterWrites(h).map((r) => r.path);
    const warm = writes.findIndex((p) => p.endsWith('/deployments/checkout-blue/scale'));
    const swap = writes.findIndex((p) => p.endsWith('/services/checkout'));
    const cool = writes.findIndex((p) => p.endsWith('/deployments/checkout-green/scale'));
    expect(warm).toBeGreaterThanOrEqual(0);
    expect(swap).toBeGreaterThan(warm);
    expect(cool).toBeGreaterThan(swap);
    expect(h.k8s.getService(NAMESPACE, 'checkout')?.spec?.selector).toEqual({ app: 'checkout', slot: 'blue' });
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-blue')?.status?.readyReplicas).toBe(3);
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-green')?.spec?.replicas).toBe(0);
    expect((await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.strategy).toBe('instant');
  });

  it('switches at once when the idle side is warm', async () => {
    h = await startHarness({ catalog, seedCluster: seed(3) });
    await h.api('POST', '/api/v1/deployments', body('bg-1', 'v1.2.0', 'checkout-blue', '2026-11-19T09:00:00Z'));
    await h.api('POST', '/api/v1/deployments', body('bg-2', 'v1.2.1', 'checkout-green', '2026-11-20T10:30:00Z', 'failed'));
    await command(h, '--failed-deployment-id bg-2');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('traffic can move at once');
    expect(JSON.stringify(plan.blocks)).not.toContain('Scale `checkout-blue`');
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);
    expect(h.k8s.getService(NAMESPACE, 'checkout')?.spec?.selector?.['slot']).toBe('blue');
  });
});
