// The emulated Argo Rollouts controller over @kubernetes/client-node: the operations a rollback uses
// (abort through the status subresource, undo by restoring a ReplicaSet's template) and the
// phase/message Argo's CalculateRolloutPhase gives.
import { AppsV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, type V1ReplicaSet } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator, type Rollout } from '../../sandbox/kubernetes/kubernetes-emulator.js';

let emulator: KubernetesEmulator;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const ARGO = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' };

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  apps = kc.makeApiClient(AppsV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});

afterAll(async () => {
  expect(emulator.controllerError).toBeUndefined();
  await emulator.close();
});

const rollout = (ns: string, name = 'web') => emulator.getObject<Rollout>('rollouts', ns, name);
const phaseIs = (ns: string, phase: string) => () =>
  rollout(ns)?.status?.phase === phase && rollout(ns)?.status?.observedGeneration === String(rollout(ns)?.metadata.generation);

function seedCanary(ns: string, steps: Array<Record<string, unknown>>): void {
  emulator.seedRollout({
    namespace: ns,
    name: 'web',
    replicas: 4,
    containers: [{ name: 'app', image: 'web:v1' }],
    history: [{ images: { app: 'web:v1' } }, { images: { app: 'web:v2' } }],
    strategy: { canary: { steps } },
  });
}

async function setImage(ns: string, image: string): Promise<void> {
  await custom.patchNamespacedCustomObject(
    { ...ARGO, namespace: ns, name: 'web', body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }] },
    jsonPatch,
  );
}

async function replicaSets(ns: string): Promise<V1ReplicaSet[]> {
  return (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=web' })).items;
}

describe('emulated Argo Rollouts', () => {
  it('seeds a Healthy rollout whose stable ReplicaSet is the current one, with revisions on its ReplicaSets', async () => {
    seedCanary('seeded', [{ setWeight: 50 }, { pause: {} }]);
    const ro = (await custom.getNamespacedCustomObject({ ...ARGO, namespace: 'seeded', name: 'web' })) as Rollout;
    expect(ro.status).toMatchObject({ phase: 'Healthy', observedGeneration: '2' });
    expect(ro.status?.stableRS).toBe(ro.status?.currentPodHash);
    const sets = await replicaSets('seeded');
    expect(
      sets
        .map((rs) => [rs.metadata?.annotations?.['rollout.argoproj.io/revision'], rs.spec?.replicas, rs.spec?.template?.spec?.containers[0]?.image])
        .sort(),
    ).toEqual([
      ['1', 0, 'web:v1'],
      ['2', 4, 'web:v2'],
    ]);
  });

  it('runs canary steps to a pause, promotes on cleared pause conditions, and becomes Healthy', async () => {
    seedCanary('canary', [{ setWeight: 50 }, { pause: {} }]);
    await setImage('canary', 'web:v3');
    await emulator.waitFor(phaseIs('canary', 'Paused'), 5_000, 'paused at the pause step');
    const paused = rollout('canary');
    expect(paused?.status).toMatchObject({
      message: 'CanaryPauseStep',
      currentStepIndex: 1,
      controllerPause: true,
      pauseConditions: [expect.objectContaining({ reason: 'CanaryPauseStep' })],
    });
    const counts = Object.fromEntries((await replicaSets('canary')).map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.spec?.replicas]));
    expect(counts).toEqual({ 'web:v1': 0, 'web:v2': 2, 'web:v3': 2 });

    // `kubectl argo rollouts promote` clears the pause conditions through the status subresource.
    await custom.patchNamespacedCustomObjectStatus({ ...ARGO, namespace: 'canary', name: 'web', body: { status: { pauseConditions: null } } }, merge);
    await emulator.waitFor(phaseIs('canary', 'Healthy'), 5_000, 'promoted');
    const healthy = rollout('canary');
    expect(healthy?.status?.stableRS).toBe(healthy?.status?.currentPodHash);
    expect(healthy?.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('3');
  });

  it('aborts through the status subresource (Degraded), then an undo to the stable template is promoted at once', async () => {
    emulator.setImageBehaviour('web:v9', 'never-ready');
    seedCanary('abort', [{ setWeight: 25 }, { pause: { duration: '1h' } }]);
    const stable = rollout('abort')?.status?.stableRS;
    await setImage('abort', 'web:v9');
    await emulator.waitFor(() => rollout('abort')?.status?.updatedReplicas === 1, 5_000, 'a canary pod');
    expect(rollout('abort')?.status?.phase).toBe('Progressing');

    // What `kubectl argo rollouts abort` sends.
    await custom.patchNamespacedCustomObjectStatus({ ...ARGO, namespace: 'abort', name: 'web', body: { status: { abort: true } } }, merge);
    await emulator.waitFor(phaseIs('abort', 'Degraded'), 5_000, 'aborted');
    expect(rollout('abort')?.status?.message).toBe('RolloutAborted: Rollout aborted update to revision 3');
    await emulator.waitFor(() => rollout('abort')?.status?.updatedReplicas === 0, 5_000, 'canary scaled away');

    // What `kubectl argo rollouts undo` sends: the previous ReplicaSet's template, hash label removed.
    const previous = (await replicaSets('abort')).find((rs) => rs.metadata?.annotations?.['rollout.argoproj.io/revision'] === '2');
    const template = structuredClone(previous?.spec?.template);
    delete template?.metadata?.labels?.['rollouts-pod-template-hash'];
    await custom.patchNamespacedCustomObject(
      { ...ARGO, namespace: 'abort', name: 'web', body: [{ op: 'replace', path: '/spec/template', value: template }] },
      jsonPatch,
    );
    await emulator.waitFor(phaseIs('abort', 'Healthy'), 5_000, 'healthy on the stable revision');
    // The canary never became ready, so the stable ReplicaSet kept every pod throughout: renumbered, never scaled down.
    const scaledDown = emulator
      .listEvents('abort')
      .filter((e) => e.reason === 'ScalingReplicaSet' && e.message.startsWith(`Scaled down replica set web-${stable} `));
    expect(scaledDown).toEqual([]);
    const ro = rollout('abort');
    expect(ro?.status).toMatchObject({ stableRS: stable, currentPodHash: stable, currentStepIndex: 2 });
    expect(ro?.status?.abort).toBeUndefined();
    expect(ro?.metadata.annotations?.['rollout.argoproj.io/revision']).toBe('4');
  });

  it('reports ProgressDeadlineExceeded as Degraded when a revision never becomes ready', async () => {
    emulator.setImageBehaviour('web:broken', 'never-ready');
    emulator.seedRollout({
      namespace: 'deadline',
      name: 'web',
      replicas: 2,
      containers: [{ name: 'app', image: 'web:v1' }],
      strategy: { canary: { steps: [{ setWeight: 50 }] } },
      progressDeadlineSeconds: 1,
    });
    await setImage('deadline', 'web:broken');
    await emulator.waitFor(phaseIs('deadline', 'Degraded'), 10_000, 'timed out');
    expect(rollout('deadline')?.status?.message).toMatch(/^ProgressDeadlineExceeded: ReplicaSet "web-\w+" has timed out progressing\.$/);
  });

  it('switches a blue-green active Service once the new ReplicaSet is available', async () => {
    emulator.seedRollout({
      namespace: 'bg',
      name: 'web',
      replicas: 2,
      containers: [{ name: 'app', image: 'web:v1' }],
      strategy: { blueGreen: { activeService: 'web-active' } },
    });
    const hash = rollout('bg')?.status?.currentPodHash ?? '';
    emulator.seedService({ namespace: 'bg', name: 'web-active', selector: { app: 'web', 'rollouts-pod-template-hash': hash } });
    await setImage('bg', 'web:v2');
    await emulator.waitFor(phaseIs('bg', 'Healthy'), 5_000, 'cut over');
    const next = rollout('bg')?.status?.currentPodHash;
    expect(next).not.toBe(hash);
    expect(emulator.getService('bg', 'web-active')?.spec.selector?.['rollouts-pod-template-hash']).toBe(next);
  });

  it('refuses a Rollout without a strategy, as the controller marks it invalid', async () => {
    const err = await custom
      .createNamespacedCustomObject({
        ...ARGO,
        namespace: 'default',
        body: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          metadata: { name: 'bad' },
          spec: {
            selector: { matchLabels: { app: 'x' } },
            template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'a' }] } },
          },
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as { code: number; body: string },
      );
    expect(err?.code).toBe(422);
    expect(err?.body).toContain('spec.strategy: Required value');
  });
});
