import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator, type SeedDeploymentInput } from '../../sandbox/kubernetes/kubernetes-emulator.js';

let emulator: KubernetesEmulator;
let apps: AppsV1Api;
let core: CoreV1Api;

const REVISION = 'deployment.kubernetes.io/revision';

function seedWeb(namespace: string, overrides: Partial<SeedDeploymentInput> = {}): void {
  emulator.seedDeployment({
    namespace,
    name: 'web',
    replicas: 3,
    containers: [{ name: 'app', image: 'registry.example/web:v1', env: [{ name: 'MODE', value: 'blue' }] }],
    history: [
      { images: { app: 'registry.example/web:v1' } },
      { images: { app: 'registry.example/web:v2' }, annotations: { 'kubernetes.io/change-cause': 'deploy v2' } },
      { images: { app: 'registry.example/web:v3' }, env: { app: [{ name: 'MODE', value: 'green' }] } },
    ],
    ...overrides,
  });
}

async function apiError(promise: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) return err as ApiException<string>;
    throw err;
  }
  throw new Error('expected the call to fail');
}

function statusOf(err: ApiException<string>): { reason: string; code: number; kind: string; message: string } {
  return JSON.parse(err.body) as { reason: string; code: number; kind: string; message: string };
}

const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  expect(emulator.controllerError).toBeUndefined();
  await emulator.close();
});

describe('Kubernetes emulator over @kubernetes/client-node', () => {
  it('serves a seeded deployment with its ReplicaSet revision history', async () => {
    seedWeb('history');
    const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: 'history' });
    expect(deployment.metadata?.annotations?.[REVISION]).toBe('3');
    expect(deployment.status?.availableReplicas).toBe(3);
    expect(deployment.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);

    const sets = await apps.listNamespacedReplicaSet({ namespace: 'history', labelSelector: 'app=web' });
    const byRevision = new Map(sets.items.map((rs) => [rs.metadata?.annotations?.[REVISION], rs]));
    expect([...byRevision.keys()].sort()).toEqual(['1', '2', '3']);
    for (const rs of sets.items) {
      const hash = rs.metadata?.labels?.['pod-template-hash'];
      expect(rs.metadata?.name).toBe(`web-${hash}`);
      expect(rs.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: deployment.metadata?.uid, controller: true });
      expect(rs.spec?.template?.metadata?.labels?.['pod-template-hash']).toBe(hash);
    }
    expect(byRevision.get('1')?.spec?.replicas).toBe(0);
    expect(byRevision.get('2')?.metadata?.annotations?.['kubernetes.io/change-cause']).toBe('deploy v2');
    expect(byRevision.get('3')?.spec?.replicas).toBe(3);
    expect(byRevision.get('3')?.spec?.template?.spec?.containers[0]?.env).toEqual([{ name: 'MODE', value: 'green' }]);

    const pods = await core.listNamespacedPod({ namespace: 'history', labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(pod.spec?.containers[0]?.image).toBe('registry.example/web:v3');
    }
  });

  it('rolls back when a strategic merge patch copies an older ReplicaSet template back', async () => {
    seedWeb('rollback');
    const sets = await apps.listNamespacedReplicaSet({ namespace: 'rollback', labelSelector: 'app=web' });
    const target = sets.items.find((rs) => rs.metadata?.annotations?.[REVISION] === '1');
    const template = structuredClone(target?.spec?.template);
    delete template?.metadata?.labels?.['pod-template-hash'];
    const before = await apps.readNamespacedDeployment({ name: 'web', namespace: 'rollback' });

    const patched = await apps.patchNamespacedDeployment({ name: 'web', namespace: 'rollback', body: { spec: { template } } }, strategic);
    expect(patched.spec?.template?.spec?.containers[0]?.image).toBe('registry.example/web:v1');
    expect(patched.spec?.template?.spec?.containers[0]?.env).toEqual([{ name: 'MODE', value: 'blue' }]);
    expect(patched.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);

    const done = await emulator.waitForRolloutComplete('rollback', 'web', 5000);
    expect(done.metadata?.annotations?.[REVISION]).toBe('4');
    const after = emulator.listReplicaSets('rollback');
    expect(after).toHaveLength(3);
    const revived = after.find((rs) => rs.metadata.name === target?.metadata?.name);
    expect(revived?.metadata.annotations?.[REVISION]).toBe('4');
    expect(revived?.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(revived?.spec.replicas).toBe(3);
    for (const rs of after.filter((r) => r !== revived)) expect(rs.spec.replicas).toBe(0);
    await emulator.waitFor(() => emulator.listPods('rollback').length === 3, 2000, 'old pods to terminate');
    expect(emulator.listPods('rollback').map((p) => p.spec.containers[0]?.image)).toEqual(Array(3).fill('registry.example/web:v1'));
    const scaling = emulator.listEvents('rollback').filter((e) => e.reason === 'ScalingReplicaSet');
    expect(scaling.map((e) => e.message)).toContain(`Scaled up replica set ${revived?.metadata.name} to 1 from 0`);
  });

  it('applies JSON patches (the client default) and merge patches', async () => {
    seedWeb('patches');
    const jsonPatched = await apps.patchNamespacedDeployment({
      name: 'web',
      namespace: 'patches',
      body: [
        { op: 'test', path: '/spec/template/spec/containers/0/image', value: 'registry.example/web:v3' },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.example/web:v4' },
      ],
    });
    expect(jsonPatched.spec?.template?.spec?.containers[0]?.image).toBe('registry.example/web:v4');
    await emulator.waitForRolloutComplete('patches', 'web', 5000);
    const sets = emulator.listReplicaSets('patches');
    expect(sets).toHaveLength(4);
    expect(sets.find((rs) => rs.spec.replicas === 3)?.metadata.annotations?.[REVISION]).toBe('4');

    const failedTest = await apiError(
      apps.patchNamespacedDeployment({ name: 'web', namespace: 'patches', body: [{ op: 'test', path: '/spec/replicas', value: 99 }] }),
    );
    expect(failedTest.code).toBe(422);

    const generation = (await apps.readNamespacedDeployment({ name: 'web', namespace: 'patches' })).metadata?.generation;
    const labelled = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'patches', body: { metadata: { labels: { team: 'payments' } } } },
      merge,
    );
    expect(labelled.metadata?.labels).toEqual({ app: 'web', team: 'payments' });
    expect(labelled.metadata?.generation).toBe(generation);

    const scaled = await apps.patchNamespacedDeployment({ name: 'web', namespace: 'patches', body: { spec: { replicas: 5 } } }, merge);
    expect(scaled.spec?.replicas).toBe(5);
    await emulator.waitForRolloutComplete('patches', 'web', 5000);
    expect(emulator.listReplicaSets('patches')).toHaveLength(4);
    await emulator.waitFor(() => emulator.listPods('patches').length === 5, 2000, 'five pods');
  });

  it('scales through the scale subresource without a new revision', async () => {
    seedWeb('scale');
    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'scale' });
    expect(scale.spec?.replicas).toBe(3);
    expect(scale.status?.selector).toBe('app=web');
    await apps.patchNamespacedDeploymentScale({ name: 'web', namespace: 'scale', body: { spec: { replicas: 1 } } }, merge);
    await emulator.waitForRolloutComplete('scale', 'web', 5000);
    await emulator.waitFor(() => emulator.listPods('scale').length === 1, 2000, 'one pod');
    expect(emulator.listReplicaSets('scale')).toHaveLength(3);
    const status = await apps.readNamespacedDeploymentStatus({ name: 'web', namespace: 'scale' });
    expect(status.status?.replicas).toBe(1);
  });

  it('answers 409 Conflict to a write carrying a stale resourceVersion', async () => {
    seedWeb('conflict');
    const stale = await apps.readNamespacedDeployment({ name: 'web', namespace: 'conflict' });
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'conflict', body: { metadata: { labels: { touched: 'yes' } } } }, merge);

    const put = await apiError(apps.replaceNamespacedDeployment({ name: 'web', namespace: 'conflict', body: stale as V1Deployment }));
    expect(put.code).toBe(409);
    expect(statusOf(put)).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });

    const patch = await apiError(
      apps.patchNamespacedDeployment(
        { name: 'web', namespace: 'conflict', body: { metadata: { resourceVersion: stale.metadata?.resourceVersion }, spec: { replicas: 9 } } },
        merge,
      ),
    );
    expect(patch.code).toBe(409);
    expect(emulator.getDeployment('conflict', 'web')?.spec.replicas).toBe(3);

    const current = await apps.readNamespacedDeployment({ name: 'web', namespace: 'conflict' });
    current.spec!.replicas = 2;
    const replaced = await apps.replaceNamespacedDeployment({ name: 'web', namespace: 'conflict', body: current });
    expect(replaced.spec?.replicas).toBe(2);
  });

  it('validates and answers dryRun=All without persisting or rolling anything', async () => {
    seedWeb('dryrun');
    const before = emulator.getDeployment('dryrun', 'web');
    emulator.clearRequests();
    const preview = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'dryrun',
        dryRun: 'All',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/web:v1' }] } } } },
      },
      strategic,
    );
    expect(preview.spec?.template?.spec?.containers[0]?.image).toBe('registry.example/web:v1');
    expect(emulator.requests).toEqual([
      expect.objectContaining({ method: 'PATCH', query: { dryRun: 'All' }, contentType: 'application/strategic-merge-patch+json' }),
    ]);
    // Nothing was stored, so the control loops have nothing to roll: shown once they have rolled
    // out a real change made after the dry run.
    seedWeb('dryrun-after');
    await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'dryrun-after',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/web:v1' }] } } } },
      },
      strategic,
    );
    await emulator.waitForRolloutComplete('dryrun-after', 'web', 5000);
    expect(emulator.getDeployment('dryrun', 'web')).toEqual(before);
    expect(emulator.listReplicaSets('dryrun')).toHaveLength(3);

    const created = await apps.createNamespacedDeployment({
      namespace: 'dryrun',
      dryRun: 'All',
      body: {
        metadata: { name: 'api' },
        spec: {
          selector: { matchLabels: { app: 'api' } },
          template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } },
        },
      },
    });
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    expect(emulator.getDeployment('dryrun', 'api')).toBeUndefined();

    const invalid = await apiError(
      apps.createNamespacedDeployment({
        namespace: 'dryrun',
        dryRun: 'All',
        body: {
          metadata: { name: 'bad' },
          spec: {
            selector: { matchLabels: { app: 'x' } },
            template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
          },
        },
      }),
    );
    expect(invalid.code).toBe(422);
    expect(statusOf(invalid).message).toContain('`selector` does not match template `labels`');
  });

  it('requires the bearer token', async () => {
    const res = await fetch(`${emulator.url}/apis/apps/v1/namespaces/default/deployments`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    const wrong = await fetch(`${emulator.url}/api/v1/namespaces`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('returns injected faults the given number of times, then recovers', async () => {
    seedWeb('faults');
    const fault = emulator.injectFault({ method: 'GET', pathPattern: /\/namespaces\/faults\/deployments\/web$/, status: 503, times: 2 });
    for (let i = 0; i < 2; i++) expect((await apiError(apps.readNamespacedDeployment({ name: 'web', namespace: 'faults' }))).code).toBe(503);
    expect(fault.remaining).toBe(0);
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: 'faults' })).metadata?.name).toBe('web');

    emulator.injectFault({ pathPattern: /\/namespaces\/faults\/replicasets/, status: 429, times: 1 });
    const throttled = await fetch(`${emulator.url}/apis/apps/v1/namespaces/faults/replicasets`, {
      headers: { authorization: `Bearer ${emulator.token}` },
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');

    emulator.injectFault({ pathPattern: /\/namespaces\/faults\/pods$/, resetConnection: true, times: 1 });
    await expect(
      fetch(`${emulator.url}/api/v1/namespaces/faults/pods`, { headers: { authorization: `Bearer ${emulator.token}` } }),
    ).rejects.toThrow();
  });

  it('refuses unsupported patch types and unknown paths like a real server', async () => {
    seedWeb('errors');
    const headers = { authorization: `Bearer ${emulator.token}` };
    const apply = await fetch(`${emulator.url}/apis/apps/v1/namespaces/errors/deployments/web`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/apply-patch+yaml' },
      body: 'spec: {}',
    });
    expect(apply.status).toBe(415);
    const missing = await apiError(apps.readNamespacedDeployment({ name: 'nope', namespace: 'errors' }));
    expect(statusOf(missing)).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "nope" not found' });
    const discovery = (await (await fetch(`${emulator.url}/apis/apps/v1`, { headers })).json()) as { resources: Array<{ name: string }> };
    expect(discovery.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['deployments', 'deployments/scale', 'deployments/status', 'replicasets']),
    );
  });
});
