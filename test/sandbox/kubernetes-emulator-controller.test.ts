import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type ClusterChange, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';

let emulator: KubernetesEmulator;
let apps: AppsV1Api;
let core: CoreV1Api;

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function setImage(namespace: string, image: string): Promise<unknown> {
  return apps.patchNamespacedDeployment(
    { name: 'web', namespace, body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } },
    strategic,
  );
}

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

describe('Kubernetes emulator controllers', () => {
  it('keeps no more old ReplicaSets than revisionHistoryLimit', async () => {
    emulator.seedDeployment({
      namespace: 'limit',
      name: 'web',
      replicas: 2,
      revisionHistoryLimit: 2,
      containers: [{ name: 'app', image: 'web:1' }],
      history: [1, 2, 3, 4, 5].map((n) => ({ images: { app: `web:${n}` } })),
    });
    await emulator.waitFor(() => emulator.listReplicaSets('limit').length === 3, 2000, 'history cleanup');
    const revisions = emulator.listReplicaSets('limit').map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']);
    expect(revisions.sort()).toEqual(['3', '4', '5']);
  });

  it('starts no rollout while paused, and rolls out on resume', async () => {
    emulator.seedDeployment({ namespace: 'paused', name: 'web', replicas: 2, containers: [{ name: 'app', image: 'web:1' }] });
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'paused', body: { spec: { paused: true } } }, merge);
    await setImage('paused', 'web:2');
    // The controller has seen the new template (observedGeneration caught up) while paused, and
    // started nothing: no new ReplicaSet.
    await emulator.waitFor(
      () => {
        const d = emulator.getDeployment('paused', 'web');
        return (
          (d?.status?.conditions?.some((c) => c.reason === 'DeploymentPaused') ?? false) && d?.status?.observedGeneration === d?.metadata.generation
        );
      },
      2000,
      'the paused condition, with the new template observed',
    );
    expect(emulator.listReplicaSets('paused')).toHaveLength(1);
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'paused', body: { spec: { paused: false } } }, merge);
    await emulator.waitForRolloutComplete('paused', 'web', 5000);
    expect(emulator.listReplicaSets('paused')).toHaveLength(2);
  });

  it('Recreate stops every old pod before starting new ones', async () => {
    emulator.seedDeployment({
      namespace: 'recreate',
      name: 'web',
      replicas: 3,
      strategy: { type: 'Recreate' },
      containers: [{ name: 'app', image: 'web:1' }],
    });
    let mixed = false;
    const stop = emulator.onChange((c: ClusterChange) => {
      if (c.resource !== 'pods' || c.object.metadata.namespace !== 'recreate') return;
      const images = new Set(emulator.listPods('recreate').map((p) => p.spec.containers[0]?.image));
      if (images.size > 1) mixed = true;
    });
    await setImage('recreate', 'web:2');
    await emulator.waitForRolloutComplete('recreate', 'web', 5000);
    stop();
    expect(mixed).toBe(false);
  });

  it('replaces a deleted pod and cascades a deleted Deployment to its sets and pods', async () => {
    emulator.seedDeployment({ namespace: 'gc', name: 'web', replicas: 2, containers: [{ name: 'app', image: 'web:1' }] });
    const [victim] = emulator.listPods('gc');
    const deleted = await core.deleteNamespacedPod({ name: victim?.metadata.name ?? '', namespace: 'gc' });
    expect(deleted.metadata?.deletionTimestamp).toBeDefined();
    await emulator.waitFor(
      () => {
        const pods = emulator.listPods('gc');
        return pods.length === 2 && !pods.some((p) => p.metadata.name === victim?.metadata.name) && pods.every((p) => p.status?.phase === 'Running');
      },
      2000,
      'a replacement pod',
    );
    const events = await core.listNamespacedEvent({ namespace: 'gc', fieldSelector: 'involvedObject.kind=ReplicaSet,reason=SuccessfulCreate' });
    expect(events.items).toHaveLength(1);

    await apps.deleteNamespacedDeployment({ name: 'web', namespace: 'gc' });
    await emulator.waitFor(() => emulator.listReplicaSets('gc').length === 0 && emulator.listPods('gc').length === 0, 2000, 'cascading deletion');
  });

  it('serves Services and Namespaces', async () => {
    emulator.seedService({ namespace: 'svc', name: 'web', selector: { app: 'web', slot: 'blue' } });
    const svc = await core.readNamespacedService({ name: 'web', namespace: 'svc' });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
    expect(svc.spec?.ports?.[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: 'TCP' });

    const switched = await core.patchNamespacedService({ name: 'web', namespace: 'svc', body: { spec: { selector: { slot: 'green' } } } }, strategic);
    expect(switched.spec?.selector).toEqual({ app: 'web', slot: 'green' });
    const replaced = await core.replaceNamespacedService({
      name: 'web',
      namespace: 'svc',
      body: { ...switched, spec: { ...switched.spec, selector: { app: 'web', slot: 'blue' } } },
    });
    expect(replaced.spec?.clusterIP).toBe(svc.spec?.clusterIP);
    expect(emulator.getService('svc', 'web')?.spec.selector).toEqual({ app: 'web', slot: 'blue' });
    expect((await core.listNamespacedService({ namespace: 'svc' })).items).toHaveLength(1);

    expect((await core.readNamespace({ name: 'svc' })).status?.phase).toBe('Active');
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'svc']));
  });
});
