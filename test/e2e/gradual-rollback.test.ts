// Gradual rollback of a blue-green service over the emulated cluster: traffic moves to the side that
// runs the target in gated steps, by replica ratio behind one Service or by HTTPRoute weights; a gate
// that fails at 50 % puts 25 % back and stops the run, naming the step.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../sandbox/kubernetes/kube-types.js';
import { policyFromRoleManifest, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { CHANNEL, IMAGE, NAMESPACE, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { startFakePrometheus, type FakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';
import { SYSTEM } from '../../src/core/use-cases/deps.js';
import { PeerCredentials, bearerCredential } from '../../src/adapters/peer-auth/peer-credentials.js';
import { eventually } from '../support/eventually.js';
import { click, command, realClusterWrites, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness | undefined;
let health: Server | undefined;
let prometheus: FakePrometheus | undefined;
afterEach(async () => {
  await h?.close();
  await prometheus?.close();
  prometheus = undefined;
  await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
  h = undefined;
  health = undefined;
});

interface Route {
  spec: { rules: Array<{ backendRefs: Array<{ name: string; weight?: number }> }> };
}

/** The service's health endpoint: unhealthy while `sick()` says so (e.g. while half the traffic is on the target side). */
async function startHealth(sick: () => boolean): Promise<string> {
  health = createServer((_req, res) => {
    res.writeHead(sick() ? 503 : 200).end();
  });
  await new Promise<void>((resolve) => health!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(health.address() as AddressInfo).port}/healthz`;
}

function catalog(healthUrl: string, gradual: string, verification = `      http: [{ url: "${healthUrl}" }]`): string {
  return `
services:
  checkout:
    environment: production
    channel: ${CHANNEL}
    kubernetes:
      namespace: ${NAMESPACE}
      deployments: [checkout-blue, checkout-green]
      blueGreen: { service: checkout, label: slot }
${gradual}
    verification:
${verification}
      timeoutSeconds: 20
    approvals:
      approvers: [${USERS.approver}, ${USERS.second}]
      required: 1
requireReasonIn: []
`;
}

const seed =
  (selector: Record<string, string>, route = false) =>
  (k8s: KubernetesEmulator) => {
    k8s.seedDeployment({
      namespace: NAMESPACE,
      name: 'checkout-blue',
      labels: { app: 'checkout', slot: 'blue' },
      replicas: route ? 4 : 0,
      containers: [{ name: 'app', image: IMAGE('checkout', 'v1.2.0') }],
    });
    k8s.seedDeployment({
      namespace: NAMESPACE,
      name: 'checkout-green',
      labels: { app: 'checkout', slot: 'green' },
      replicas: 4,
      containers: [{ name: 'app', image: IMAGE('checkout', 'v1.2.1') }],
    });
    k8s.seedService({ namespace: NAMESPACE, name: 'checkout', selector });
    if (!route) return;
    k8s.seedService({ namespace: NAMESPACE, name: 'checkout-blue', selector: { app: 'checkout', slot: 'blue' } });
    k8s.seedService({ namespace: NAMESPACE, name: 'checkout-green', selector: { app: 'checkout', slot: 'green' } });
    k8s.seedObject('httproutes', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'checkout', namespace: NAMESPACE },
      spec: {
        parentRefs: [{ name: 'public' }],
        rules: [
          {
            backendRefs: [
              { name: 'checkout-blue', port: 80, weight: 0 },
              { name: 'checkout-green', port: 80, weight: 100 },
            ],
          },
        ],
      },
    });
  };

async function recordHistory(harness: Harness): Promise<void> {
  const body = (id: string, version: string, side: string, createdAt: string, status: string) => ({
    id,
    service: 'checkout',
    environment: 'production',
    version,
    status,
    createdAt,
    createdBy: 'ci',
    components: { [side]: { image: IMAGE('checkout', version), replicas: 4 } },
    migrations: [],
    verification: { smoke: true },
  });
  expect(
    (await harness.api('POST', '/api/v1/deployments', body('bg-1', 'v1.2.0', 'checkout-blue', '2026-11-19T09:00:00Z', 'succeeded'))).status,
  ).toBe(201);
  expect((await harness.api('POST', '/api/v1/deployments', body('bg-2', 'v1.2.1', 'checkout-green', '2026-11-20T10:30:00Z', 'failed'))).status).toBe(
    201,
  );
}

const replicas = (k8s: KubernetesEmulator, name: string) => k8s.getDeployment(NAMESPACE, name)?.spec?.replicas;
const weights = (k8s: KubernetesEmulator) =>
  Object.fromEntries(
    k8s.getObject<Route & KubeObject>('httproutes', NAMESPACE, 'checkout')!.spec.rules[0]!.backendRefs.map((r) => [r.name, r.weight]),
  );

async function failedRun(harness: Harness, runId: string) {
  return eventually(
    async () => {
      const run = (await harness.api('GET', `/api/v1/rollbacks/${runId}`)).json as {
        status: string;
        steps: Array<{ kind: string; status: string; detail: string | null }>;
      };
      return run.status === 'failed' ? run : undefined;
    },
    30_000,
    `run ${runId} failed`,
  );
}

describe('gradual rollback by replica ratio', () => {
  it('moves the pods behind one Service to the target side 25 → 50 → 75 → 100 %, gating each step', async () => {
    // Each gate sees the ratio it is gating: remember every split the health endpoint was asked under.
    const seen: string[] = [];
    const url = await startHealth(() => {
      if (h) seen.push(`${replicas(h.k8s, 'checkout-blue')}/${replicas(h.k8s, 'checkout-green')}`);
      return false;
    });
    // The failed version crash-loops: its side is never gated on, only scaled down.
    const crashing = (k8s: KubernetesEmulator) => {
      k8s.setImageBehaviour(IMAGE('checkout', 'v1.2.1'), 'crash', { logLines: ['starting checkout v1.2.1', 'FATAL: payments endpoint missing'] });
      seed({ app: 'checkout' })(k8s);
    };
    h = await startHarness({
      catalog: catalog(url, '      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 0, gateSeconds: 10 }'),
      seedCluster: crashing,
    });
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2');
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toMatch(
      /25 %: `checkout-blue` \(blue\) to 1 and `checkout-green` \(green\) to 3 replicas[\s\S]*50 %[\s\S]*75 %[\s\S]*100 %: `checkout-blue` \(blue\) to 4 and `checkout-green` \(green\) to 0/,
    );
    expect(text).toContain('*Traffic* to `checkout-blue`: 25 % → 50 % → 75 % → 100 %');
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);

    expect(replicas(h.k8s, 'checkout-blue')).toBe(4);
    expect(replicas(h.k8s, 'checkout-green')).toBe(0);
    expect(h.k8s.getDeployment(NAMESPACE, 'checkout-blue')?.status?.readyReplicas).toBe(4);
    expect(seen).toEqual(expect.arrayContaining(['1/3', '2/2', '3/1', '4/0']));
    const run = (await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json as { strategy: string };
    expect(run.strategy).toBe('gradual');
    const updated = await h.slack.waitFor(
      () => h!.slack.messagesIn(CHANNEL).find((m) => m.ts === plan.ts && /Rolled back/.test(JSON.stringify(m.blocks))),
      10_000,
      'the plan message says rolled back',
    );
    expect(JSON.stringify(updated.blocks)).toContain(
      '25 % :white_check_mark: → 50 % :white_check_mark: → 75 % :white_check_mark: → 100 % :white_check_mark:',
    );
    // The root cause comes from the failed side's pods, which the steps never named as their component.
    await waitForThread(h, plan, /Root cause[\s\S]*payments endpoint missing/);
  });

  it('fails its gate at 50 %, puts 25 % back and stops, naming the step', async () => {
    // The target side breaks once it carries half the traffic.
    const url = await startHealth(() => h !== undefined && replicas(h.k8s, 'checkout-blue') === 2);
    h = await startHarness({
      catalog: catalog(url, '      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 0, gateSeconds: 2 }'),
      seedCluster: seed({ app: 'checkout' }),
    });
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2');
    const plan = await waitForPlan(h);
    await click(h, plan, 'rollback_approve', USERS.approver);
    const run = await failedRun(h, runIdOf(plan));

    expect(run.steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending']);
    expect(run.steps[1]!.detail).toMatch(
      /the gate at 50 % failed: http .*healthz.*; traffic restored to 25 % \(checkout-blue 1 \/ checkout-green 3 replicas\)/,
    );
    await h.k8s.waitFor(
      () => h!.k8s.getDeployment(NAMESPACE, 'checkout-green')?.status?.readyReplicas === 3,
      10_000,
      'the failed side back at 3 ready',
    );
    expect(replicas(h.k8s, 'checkout-blue')).toBe(1);
    expect(replicas(h.k8s, 'checkout-green')).toBe(3);
    const updated = await h.slack.waitFor(
      () => h!.slack.messagesIn(CHANNEL).find((m) => m.ts === plan.ts && /Rollback failed/.test(JSON.stringify(m.blocks))),
      10_000,
      'the plan message says failed',
    );
    expect(JSON.stringify(updated.blocks)).toContain('25 % :white_check_mark: → 50 % :x: → 75 % → 100 %');
    // The thread says which step failed and where traffic was left.
    await waitForThread(h, plan, /the gate at 50 % failed[\s\S]*traffic restored to 25 %/);
  });

  it('resumes after the bot stopped with 25 % shifted: goes on from 50 % without redoing 25 %', async () => {
    const url = await startHealth(() => false);
    h = await startHarness({
      catalog: catalog(url, '      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 0, gateSeconds: 10 }'),
      seedCluster: seed({ app: 'checkout' }),
    });
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2');
    const plan = await waitForPlan(h);
    const runId = runIdOf(plan);
    await eventually(async () => (await h!.bot.store.getRun(runId))?.message, 5_000, 'the plan message recorded');
    await h.bot.stop();
    // What a process that died after step 1 leaves: the run executing, step 1 done, the cluster at 25 %.
    const store = await h.openStore();
    const event = (type: string) => ({ runId, at: new Date().toISOString(), actor: SYSTEM, type, detail: type });
    expect(await store.transition(runId, ['awaiting_approval'], 'approved', event('approved'))).toMatchObject({ status: 'approved' });
    expect(await store.transition(runId, ['approved'], 'executing', event('executing'))).toMatchObject({ status: 'executing' });
    await store.saveStepResult(runId, {
      index: 1,
      status: 'done',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      detail: '25 %',
    });
    await store.close();
    for (const [name, count] of [
      ['checkout-blue', 1],
      ['checkout-green', 3],
    ] as const) {
      const response = await fetch(`${h.k8s.url}/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}/scale`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${h.k8s.token}`, 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { replicas: count } }),
      });
      expect(response.status).toBe(200);
    }
    await h.k8s.waitForRolloutComplete(NAMESPACE, 'checkout-blue', 10_000);

    h.k8s.clearRequests();
    await h.restartBot();
    await eventually(async () => (await h!.bot.store.getRun(runId))?.status === 'succeeded', 30_000, 'the run succeeded');
    expect((await h.bot.store.timeline(runId)).map((e) => e.type)).toContain('resumed');
    expect([replicas(h.k8s, 'checkout-blue'), replicas(h.k8s, 'checkout-green')]).toEqual([4, 0]);
    // 25 % was not shifted again: the first scale after the restart is blue to 2 (50 %).
    const firstScale = h.k8s.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/scale') && r.query['dryRun'] === undefined);
    expect(firstScale).toMatchObject({ path: expect.stringContaining('/deployments/checkout-blue/scale'), body: { spec: { replicas: 2 } } });
  });

  it('asks for a Service that selects both sides when it selects one', async () => {
    const url = await startHealth(() => false);
    h = await startHarness({ catalog: catalog(url, '      gradual: { pauseSeconds: 0 }'), seedCluster: seed({ app: 'checkout', slot: 'green' }) });
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2');
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('Service checkout selects `slot=green` only, so replicas cannot shift its traffic');
    expect(text).toContain('Switch Service `checkout`');
  });
});

describe('gradual rollback by HTTPRoute weights', () => {
  it('shifts the route weights step by step with --strategy gradual, then scales the failed side down, with the shipped RBAC', async () => {
    const seen: string[] = [];
    const url = await startHealth(() => {
      if (h) seen.push(JSON.stringify(weights(h.k8s)));
      return false;
    });
    const gradual = '      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 0, gateSeconds: 10, httpRoute: { name: checkout } }';
    h = await startHarness({ catalog: catalog(url, gradual), seedCluster: seed({ app: 'checkout' }, true) });
    // Only what deploy/kubernetes grants: the rules the code needs are all there.
    h.k8s.setRbacPolicy(
      policyFromRoleManifest(readFileSync('deploy/kubernetes/base/rbac.yaml', 'utf8'), 'system:serviceaccount:smartspec:smartspec-rollback', [
        NAMESPACE,
      ]),
    );
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2 --strategy gradual');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toMatch(
      /25 %: HTTPRoute `checkout` weights `checkout-blue` 25 \/ `checkout-green` 75[\s\S]*100 %: HTTPRoute `checkout` weights `checkout-blue` 100 \/ `checkout-green` 0[\s\S]*Scale the failed side `checkout-green`/,
    );
    h.k8s.clearRequests();
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);

    expect(weights(h.k8s)).toEqual({ 'checkout-blue': 100, 'checkout-green': 0 });
    expect(seen).toEqual(expect.arrayContaining([25, 50, 75, 100].map((p) => JSON.stringify({ 'checkout-blue': p, 'checkout-green': 100 - p }))));
    expect(replicas(h.k8s, 'checkout-green')).toBe(0);
    // Every weight change was a JSON patch whose first operation tests the resourceVersion just read.
    const patches = h.k8s.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/httproutes/checkout') && r.query['dryRun'] === undefined);
    expect(patches).toHaveLength(4);
    for (const p of patches) expect((p.body as unknown[])[0]).toMatchObject({ op: 'test', path: '/metadata/resourceVersion' });
  });

  it('fails the gate at 50 % on a Prometheus query and puts the route back to 25 %', async () => {
    prometheus = await startFakePrometheus();
    // The error rate is fine with a quarter of the traffic on blue, then breaks.
    prometheus.set('sum(rate(http_errors_total{service="checkout"}[1m]))', [0.1, 9]);
    const verification = `      prometheus: [{ name: error rate, url: "${prometheus.url}", query: 'sum(rate(http_errors_total{service="checkout"}[1m]))', max: 1, samples: 1, intervalSeconds: 0.05 }]`;
    const gradual = '      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 0, gateSeconds: 10, httpRoute: { name: checkout } }';
    h = await startHarness({ catalog: catalog('', gradual, verification), seedCluster: seed({ app: 'checkout' }, true) });
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('then gate on readiness and 1 Prometheus query');
    await click(h, plan, 'rollback_approve', USERS.approver);
    const run = await failedRun(h, runIdOf(plan));
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending', 'pending']);
    expect(run.steps[1]!.detail).toMatch(
      /the gate at 50 % failed: prometheus error rate: .*; traffic restored to 25 % \(weights checkout-blue 25 \/ checkout-green 75\)/,
    );
    expect(weights(h.k8s)).toEqual({ 'checkout-blue': 25, 'checkout-green': 75 });
    // The failed side was never scaled down: the last step did not run.
    expect(replicas(h.k8s, 'checkout-green')).toBe(4);
  });

  it('gates on a Prometheus that takes a bearer token with the catalog credentials: passes 25 %, fails 50 % on the value', async () => {
    const token = 'gradual-gate-token-0123456789abcdef';
    prometheus = await startFakePrometheus({ requireAuth: { bearer: token } });
    prometheus.set('sum(rate(http_errors_total{service="checkout"}[1m]))', [0.1, 9]);
    const verification = `      prometheus: [{ name: error rate, url: "${prometheus.url}", auth: { bearerTokenEnv: PROMETHEUS_TOKEN }, query: 'sum(rate(http_errors_total{service="checkout"}[1m]))', max: 1, samples: 1, intervalSeconds: 0.05 }]`;
    const gradual = '      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 0, gateSeconds: 10, httpRoute: { name: checkout } }';
    const peerCredentials = new PeerCredentials([[prometheus.url, bearerCredential(token, 'PROMETHEUS_TOKEN')]]);
    h = await startHarness({ catalog: catalog('', gradual, verification), seedCluster: seed({ app: 'checkout' }, true), bot: { peerCredentials } });
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2');
    await click(h, await waitForPlan(h), 'rollback_approve', USERS.approver);
    const run = await failedRun(h, runIdOf(await waitForPlan(h)));
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending', 'pending']);
    expect(run.steps[1]!.detail).toMatch(/the gate at 50 % failed: prometheus error rate: 9 is outside ≤ 1; traffic restored to 25 %/);
  });

  it.each([
    ['replica ratio', '      gradual: { pauseSeconds: 0 }', false],
    ['HTTPRoute weights', '      gradual: { pauseSeconds: 0, httpRoute: { name: checkout } }', true],
  ] as const)('--dry-run by %s: the API server accepts every write, and nothing changes', async (_name, gradual, route) => {
    const url = await startHealth(() => false);
    h = await startHarness({ catalog: catalog(url, gradual), seedCluster: seed({ app: 'checkout' }, route) });
    await recordHistory(h);
    await command(h, '--failed-deployment-id bg-2 --dry-run');
    const plan = await waitForPlan(h);
    const settled = await h.slack.waitFor(
      () => h!.slack.messagesIn(CHANNEL).find((m) => m.ts === plan.ts && /accepted every write/.test(JSON.stringify(m.blocks))),
      10_000,
      'the dry run verdict',
    );
    expect(JSON.stringify(settled.blocks)).toContain('*Traffic* to `checkout-blue`: 25 % → 50 % → 75 % → 100 %');
    expect(realClusterWrites(h)).toEqual([]);
    expect(replicas(h.k8s, 'checkout-green')).toBe(4);
    if (route) expect(weights(h.k8s)).toEqual({ 'checkout-blue': 0, 'checkout-green': 100 });
  });

  it('takes the strategy from the API too, and refuses an unknown one naming the field', async () => {
    h = await startHarness();
    await h.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
    await h.recordDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' });
    const bad = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12345', strategy: 'canary' });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([expect.objectContaining({ path: 'strategy', message: expect.stringContaining('must be gradual or instant') })]);
    const blocked = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12345', strategy: 'gradual', dryRun: true });
    expect(blocked.status).toBe(201);
    expect(blocked.json.checks).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'strategy', outcome: 'block' })]));
  });

  it('refuses --strategy gradual on a service without two sides', async () => {
    h = await startHarness();
    await h.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
    await h.recordDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' });
    await command(h, '--failed-deployment-id deploy-12345 --strategy gradual');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('checkout is not a blue-green service (kubernetes.blueGreen): ask again without it');
    expect(JSON.stringify(plan.blocks)).not.toContain('rollback_approve');
  });
});
