import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type ImageBehaviour, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';

let emulator: KubernetesEmulator;
let apps: AppsV1Api;
let core: CoreV1Api;

const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** Seeds a healthy v1 deployment in `namespace`, then deploys `image` with the given behaviour. */
async function deployBad(
  namespace: string,
  image: string,
  behaviour: ImageBehaviour,
  extra: { logLines?: string[]; progressDeadlineSeconds?: number } = {},
): Promise<void> {
  emulator.seedDeployment({
    namespace,
    name: 'web',
    replicas: 4,
    containers: [{ name: 'app', image: 'registry.example/web:v1' }],
    ...(extra.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: extra.progressDeadlineSeconds } : {}),
  });
  emulator.setImageBehaviour(image, behaviour, extra.logLines ? { logLines: extra.logLines } : {});
  await apps.patchNamespacedDeployment(
    { name: 'web', namespace, body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } },
    strategic,
  );
}

async function newPods(namespace: string, image: string): Promise<V1Pod[]> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
  return pods.items.filter((p) => p.spec?.containers[0]?.image === image && !p.metadata?.deletionTimestamp);
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function warnings(namespace: string, pod: string): Promise<Array<{ reason?: string; message?: string }>> {
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${pod},involvedObject.kind=Pod,type=Warning` });
  return list.items.map((e) => ({ reason: e.reason, message: e.message }));
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

describe('Kubernetes emulator image behaviours', () => {
  it('crash: CrashLoopBackOff with restarts, Warning events and previous logs; the rollout stalls', async () => {
    const image = 'registry.example/web:crash';
    await deployBad('crash', image, 'crash', { logLines: ['boot', 'panic: missing DATABASE_URL'] });
    const [pod] = await eventually(
      () => newPods('crash', image),
      (pods) =>
        pods.some(
          (p) =>
            (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 &&
            p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
        ),
      'a crash-looping pod',
    ).then((pods) => pods.filter((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2));
    const status = pod?.status?.containerStatuses?.[0];
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(status?.ready).toBe(false);
    expect(pod?.status?.phase).toBe('Running');

    const name = pod?.metadata?.name ?? '';
    expect((await warnings('crash', name)).map((e) => e.reason)).toContain('BackOff');
    const previous = await core.readNamespacedPodLog({ name, namespace: 'crash', container: 'app', previous: true });
    expect(previous).toBe('boot\npanic: missing DATABASE_URL\n');
    const tail = await core.readNamespacedPodLog({ name, namespace: 'crash', previous: true, tailLines: 1 });
    expect(tail).toBe('panic: missing DATABASE_URL\n');

    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'crash' });
    expect(d.status?.availableReplicas).toBe(3);
    expect(d.status?.updatedReplicas).toBeLessThan(4);
  });

  it('oom: the last termination is OOMKilled with exit code 137', async () => {
    const image = 'registry.example/web:oom';
    await deployBad('oom', image, 'oom');
    const pods = await eventually(
      () => newPods('oom', image),
      (ps) => ps.some((p) => p.status?.containerStatuses?.[0]?.lastState?.terminated),
      'an OOM kill',
    );
    const terminated = pods.find((p) => p.status?.containerStatuses?.[0]?.lastState?.terminated)?.status?.containerStatuses?.[0]?.lastState
      ?.terminated;
    expect(terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('never-ready: Running but not Ready, with readiness probe warnings', async () => {
    const image = 'registry.example/web:never-ready';
    await deployBad('unready', image, 'never-ready');
    const pods = await eventually(
      () => newPods('unready', image),
      (ps) => ps.some((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.started === true),
      'a running pod',
    );
    const pod = pods.find((p) => p.status?.phase === 'Running');
    expect(pod?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    const events = await eventually(
      () => warnings('unready', pod?.metadata?.name ?? ''),
      (es) => es.some((e) => e.reason === 'Unhealthy'),
      'an Unhealthy event',
    );
    expect(events.find((e) => e.reason === 'Unhealthy')?.message).toMatch(/^Readiness probe failed: /);
  });

  it('image-pull-error: ErrImagePull / ImagePullBackOff with Failed events', async () => {
    const image = 'registry.example/web:missing';
    await deployBad('pull', image, 'image-pull-error');
    const pods = await eventually(
      () => newPods('pull', image),
      (ps) => ps.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'),
      'ImagePullBackOff',
    );
    const pod = pods.find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
    expect(pod?.status?.phase).toBe('Pending');
    const events = await warnings('pull', pod?.metadata?.name ?? '');
    expect(events.filter((e) => e.reason === 'Failed').map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining(`Failed to pull image "${image}"`), 'Error: ErrImagePull']),
    );
    await expect(core.readNamespacedPodLog({ name: pod?.metadata?.name ?? '', namespace: 'pull' })).rejects.toMatchObject({ code: 400 });
  });

  it('unschedulable: Pending with PodScheduled=False and a FailedScheduling event', async () => {
    const image = 'registry.example/web:huge';
    await deployBad('unschedulable', image, 'unschedulable');
    const pods = await eventually(
      () => newPods('unschedulable', image),
      (ps) => ps.some((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False')),
      'an unschedulable pod',
    );
    const pod = pods.find((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
    expect(pod?.status?.phase).toBe('Pending');
    expect(pod?.spec?.nodeName).toBeUndefined();
    expect(pod?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.reason).toBe('Unschedulable');
    const events = await eventually(
      () => warnings('unschedulable', pod?.metadata?.name ?? ''),
      (es) => es.length > 0,
      'a FailedScheduling event',
    );
    expect(events[0]?.reason).toBe('FailedScheduling');
  });

  it('reports ProgressDeadlineExceeded when a rollout makes no progress for progressDeadlineSeconds', async () => {
    const image = 'registry.example/web:stuck';
    await deployBad('deadline', image, 'crash', { progressDeadlineSeconds: 1 });
    await expect(emulator.waitForRolloutComplete('deadline', 'web', 5000)).rejects.toThrow(/exceeded its progress deadline/);
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'deadline' });
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
  });
});
