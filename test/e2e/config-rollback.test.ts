// Configuration rolled back with the code (kubernetes.configSnapshot): the ConfigMaps a deployment's
// pods reference are snapshotted when it is recorded; a rollback to it restores their contents before
// the template, showing the key-level diff with secret-looking values masked; a Secret that changed
// since is a warning naming it, and no Secret data is ever stored.
import { existsSync, readFileSync } from 'node:fs';
import { policyFromRoleManifest } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigMap, StatefulSet } from '../../sandbox/kubernetes/workload-types.js';
import { DEFAULT_CATALOG, IMAGE, NAMESPACE, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { click, command, realClusterWrites, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const CATALOG = DEFAULT_CATALOG.replace('      core: [checkout-api]\n', '      core: [checkout-api]\n      configSnapshot: { maxBytes: 4096 }\n');
const SECRET_VALUE = Buffer.from('s3cr3t-db-password-v1').toString('base64');
const CONFIG_V1 = { MODE: 'stable', API_TOKEN: 'tok-live-0000-old', RETRIES: '3' };
const CONFIG_V2 = { MODE: 'turbo', API_TOKEN: 'tok-live-1111-new', RETRIES: '3', NEW_FLAG: 'on' };

const env = [
  { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'checkout-config', key: 'MODE' } } },
  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'checkout-db', key: 'password' } } },
];

/** v1.2.0 runs, with its configuration; each component's pods read checkout-config and checkout-db. */
async function startAtV120(): Promise<Harness> {
  return startHarness({
    catalog: CATALOG,
    seedCluster: (k8s) => {
      k8s.seedObject('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'checkout-config', namespace: NAMESPACE },
        data: CONFIG_V1,
      });
      k8s.seedObject('secrets', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'checkout-db', namespace: NAMESPACE },
        data: { password: SECRET_VALUE },
      });
      for (const [component, replicas] of [
        ['checkout-api', 3],
        ['checkout-worker', 2],
      ] as const) {
        k8s.seedDeployment({
          namespace: NAMESPACE,
          name: component,
          replicas,
          containers: [{ name: component, image: IMAGE(component, 'v1.2.0'), env }],
          history: ['v1.1.0', 'v1.2.0'].map((v) => ({ images: { [component]: IMAGE(component, v) } })),
        });
      }
    },
  });
}

function clients(harness: Harness) {
  const config = new KubeConfig();
  config.loadFromString(harness.k8s.kubeConfigYaml());
  return { apps: config.makeApiClient(AppsV1Api), core: config.makeApiClient(CoreV1Api) };
}

/** What CI does for v1.2.1: new ConfigMap contents, new images, and the record. */
async function deployV121(harness: Harness, change: { config?: boolean; secret?: boolean; record?: boolean }): Promise<void> {
  const { apps, core } = clients(harness);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  if (change.config) {
    await core.patchNamespacedConfigMap({ name: 'checkout-config', namespace: NAMESPACE, body: { data: { ...CONFIG_V2 } } }, merge);
  }
  if (change.secret) {
    await core.patchNamespacedSecret(
      { name: 'checkout-db', namespace: NAMESPACE, body: { data: { password: Buffer.from('rotated-password-v2').toString('base64') } } },
      merge,
    );
  }
  for (const component of ['checkout-api', 'checkout-worker']) {
    await apps.patchNamespacedDeployment(
      {
        name: component,
        namespace: NAMESPACE,
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: IMAGE(component, 'v1.2.1') }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    await harness.k8s.waitForRolloutComplete(NAMESPACE, component, 10_000);
  }
  if (change.record === false) return;
  expect(await harness.recordDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' })).toBe(201);
}

async function recordV120(harness: Harness): Promise<void> {
  expect(await harness.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' })).toBe(201);
  expect(await harness.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' })).toBe(201);
}

describe('configuration rolled back with the code', () => {
  it('restores the ConfigMap contents v1.2.0 ran with, before the template, and shows the masked key diff', async () => {
    h = await startAtV120();
    await recordV120(h);
    await deployV121(h, { config: true });
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('Restore ConfigMap `checkout-config` to what `v1.2.0` ran with');
    expect(text).toContain('`API_TOKEN`: (masked) → (masked)');
    expect(text).toContain('`MODE`: `turbo` → `stable`');
    expect(text).toContain('`NEW_FLAG` removed (now `on`)');
    expect(text).not.toContain('tok-live');
    expect(text).toMatch(/1\. Restore ConfigMap[\s\S]*2\. Roll `checkout-api` back/);
    expect(text).not.toContain('Secret checkout-db');

    h.k8s.clearRequests();
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);
    expect(h.k8s.getObject<ConfigMap>('configmaps', NAMESPACE, 'checkout-config')?.data).toEqual(CONFIG_V1);
    const writes = realClusterWrites(h).map((r) => r.path);
    const restore = writes.findIndex((p) => p.endsWith('/configmaps/checkout-config'));
    const template = writes.findIndex((p) => p.endsWith('/deployments/checkout-api'));
    expect(restore).toBeGreaterThanOrEqual(0);
    expect(template).toBeGreaterThan(restore);
    // The restore carried the resourceVersion the plan saw.
    const patch = h.k8s.requests.find(
      (r) => r.method === 'PATCH' && r.path.endsWith('/configmaps/checkout-config') && r.query['dryRun'] === undefined,
    );
    expect((patch?.body as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it('does not overwrite a ConfigMap changed after the plan: the step fails and says so', async () => {
    h = await startAtV120();
    await recordV120(h);
    await deployV121(h, { config: true });
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    await clients(h).core.patchNamespacedConfigMap(
      { name: 'checkout-config', namespace: NAMESPACE, body: { data: { MODE: 'hand-edited' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await click(h, plan, 'rollback_approve', USERS.approver);
    const run = await eventually(
      async () => {
        const r = (await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json as {
          status: string;
          steps: Array<{ kind: string; status: string; detail: string | null }>;
        };
        return r.status === 'failed' ? r : undefined;
      },
      20_000,
      'the run failed',
    );
    expect(run.steps[0]).toMatchObject({ kind: 'config_restore', status: 'failed' });
    expect(run.steps[0]!.detail).toMatch(/ConfigMap checkout-config changed since the plan \(resourceVersion \d+ → \d+\): not overwritten; re-plan/);
    expect(h.k8s.getObject<ConfigMap>('configmaps', NAMESPACE, 'checkout-config')?.data?.['MODE']).toBe('hand-edited');
  });

  it('warns about a Secret that changed since the target was recorded, and never stores Secret data', async () => {
    h = await startAtV120();
    await recordV120(h);
    await deployV121(h, { secret: true });
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('Secret checkout-db changed since `v1.2.0` was recorded: the rollback does not restore Secrets; check it by hand.');
    expect(text).not.toContain('Restore ConfigMap');
    expect(text).not.toContain('s3cr3t');
    if (existsSync(h.databasePath)) {
      // The database file and its write-ahead log: whatever SQLite has written so far.
      const stored = [h.databasePath, `${h.databasePath}-wal`]
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('');
      expect(stored).toContain('tok-live-0000-old'); // the ConfigMap snapshot is in the record …
      expect(stored).not.toContain(SECRET_VALUE); // … the Secret's data is not
      expect(stored).not.toContain('s3cr3t-db-password-v1');
    }
  });

  it('works with the shipped RBAC, which grants nothing on Secrets: the Secret is said to be uncompared, the ConfigMap restored', async () => {
    h = await startAtV120();
    const shipped = policyFromRoleManifest(
      readFileSync('deploy/kubernetes/base/rbac.yaml', 'utf8'),
      'system:serviceaccount:smartspec:smartspec-rollback',
      [NAMESPACE],
    );
    h.k8s.setRbacPolicy(shipped);
    await recordV120(h);
    // CI deploys with its own rights.
    h.k8s.setRbacPolicy(undefined);
    await deployV121(h, { config: true, secret: true });
    h.k8s.setRbacPolicy(shipped);
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain(
      'Secret checkout-db could not be compared with what `v1.2.0` ran with: the bot may not read Secrets (deploy/kubernetes/components/secret-hashes)',
    );
    expect(text).toContain('Restore ConfigMap `checkout-config`');
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);
    expect(h.k8s.getObject<ConfigMap>('configmaps', NAMESPACE, 'checkout-config')?.data).toEqual(CONFIG_V1);
  });

  it("compares Secrets with the opt-in component's rule added to the shipped RBAC", async () => {
    h = await startAtV120();
    const shipped = policyFromRoleManifest(
      readFileSync('deploy/kubernetes/base/rbac.yaml', 'utf8'),
      'system:serviceaccount:smartspec:smartspec-rollback',
      [NAMESPACE],
    );
    const optIn = policyFromRoleManifest(
      readFileSync('deploy/kubernetes/components/secret-hashes/rbac.yaml', 'utf8'),
      'system:serviceaccount:smartspec:smartspec-rollback',
      [NAMESPACE],
    );
    const both = { ...shipped, rules: [...shipped.rules, ...optIn.rules] };
    h.k8s.setRbacPolicy(both);
    await recordV120(h);
    h.k8s.setRbacPolicy(undefined);
    await deployV121(h, { secret: true });
    h.k8s.setRbacPolicy(both);
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('Secret checkout-db changed since `v1.2.0` was recorded');
  });

  it('snapshots the revision that runs when history is discovered, and restores it when that revision is the target', async () => {
    h = await startAtV120();
    // Nobody recorded anything: a dry run by service name makes the bot learn the history from the
    // cluster, and the revision running now (v1.2.0) is snapshotted as it is discovered.
    await command(h, 'checkout --dry-run');
    await waitForPlan(h);
    await deployV121(h, { config: true, record: false });
    // The new revision is discovered when it is named; the one before it is the target.
    await command(h, '--failed-deployment-id checkout@r3 --dry-run');
    const plan = await waitForPlan(h, 2);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('Restore ConfigMap `checkout-config` to what `v1.2.0` ran with');
    expect(text).toContain('`MODE`: `turbo` → `stable`');
  });

  it('restores the ConfigMap of a StatefulSet before its template, reading its ControllerRevisions', async () => {
    const catalog = `
services:
  ledger:
    environment: production
    kubernetes:
      namespace: ${NAMESPACE}
      statefulSets: [ledger-db]
      configSnapshot: {}
    verification: { timeoutSeconds: 20 }
    approvals: { approvers: [${USERS.approver}], required: 1 }
requireReasonIn: []
`;
    const ledgerEnv = [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'ledger-config', key: 'MODE' } } }];
    h = await startHarness({
      catalog,
      seedCluster: (k8s) => {
        k8s.seedObject('configmaps', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'ledger-config', namespace: NAMESPACE },
          data: { MODE: 'safe' },
        });
        k8s.seedStatefulSet({
          namespace: NAMESPACE,
          name: 'ledger-db',
          replicas: 2,
          containers: [{ name: 'ledger-db', image: IMAGE('ledger-db', 'v1.2.0'), env: ledgerEnv }],
        });
      },
    });
    const record = (version: string, status: string, day: number) =>
      h.api('POST', '/api/v1/deployments', {
        id: `ledger-${version}`,
        service: 'ledger',
        environment: 'production',
        version,
        status,
        createdAt: `2026-11-${day}T09:00:00Z`,
        createdBy: 'ci',
        components: { 'ledger-db': { image: IMAGE('ledger-db', version) } },
        migrations: [],
        verification: { smoke: true },
      });
    await h.k8s.waitFor(
      () => h.k8s.getObject<StatefulSet>('statefulsets', NAMESPACE, 'ledger-db')?.status?.readyReplicas === 2,
      10_000,
      'ledger-db ready',
    );
    expect((await record('v1.2.0', 'succeeded', 19)).status).toBe(201);
    const { apps, core } = clients(h);
    await core.patchNamespacedConfigMap(
      { name: 'ledger-config', namespace: NAMESPACE, body: { data: { MODE: 'fast' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await apps.patchNamespacedStatefulSet(
      {
        name: 'ledger-db',
        namespace: NAMESPACE,
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: IMAGE('ledger-db', 'v1.2.1') }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect((await record('v1.2.1', 'failed', 20)).status).toBe(201);
    await command(h, '--failed-deployment-id ledger-v1.2.1');
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toMatch(
      /1\. Restore ConfigMap `ledger-config` to what `v1\.2\.0` ran with[^"]*`MODE`: `fast` → `safe`[\s\S]*2\. Restore StatefulSet `ledger-db`/,
    );
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);
    expect(h.k8s.getObject<ConfigMap>('configmaps', NAMESPACE, 'ledger-config')?.data).toEqual({ MODE: 'safe' });
  });
});
