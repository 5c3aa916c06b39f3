import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions, Watch, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';

interface Seen {
  type: string;
  object: V1Deployment & { code?: number; reason?: string };
}

let emulator: KubernetesEmulator;
let kc: KubeConfig;
let apps: AppsV1Api;
const aborts: AbortController[] = [];

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function seed(namespace: string): void {
  emulator.seedDeployment({
    namespace,
    name: 'web',
    labels: { app: 'web' },
    replicas: 4,
    containers: [{ name: 'app', image: 'registry.example/web:v1' }],
    history: [{ images: { app: 'registry.example/web:v1' } }, { images: { app: 'registry.example/web:v2' } }],
  });
}

function complete(d: V1Deployment): boolean {
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    s.updatedReplicas === desired &&
    s.replicas === desired &&
    s.availableReplicas === desired
  );
}

/** Opens a watch and collects its events; `until` resolves when the predicate matches an event. */
async function openWatch(path: string, query: Record<string, string>, kubeConfig = kc) {
  const events: Seen[] = [];
  const waiters: Array<{ match: (e: Seen) => boolean; resolve: () => void }> = [];
  let resolveDone: (err: unknown) => void = () => undefined;
  const done = new Promise<unknown>((resolve) => (resolveDone = resolve));
  const abort = await new Watch(kubeConfig).watch(
    path,
    query,
    (type, object) => {
      const seen = { type, object: object as Seen['object'] };
      events.push(seen);
      for (const w of waiters.filter((x) => x.match(seen))) w.resolve();
    },
    (err) => resolveDone(err),
  );
  aborts.push(abort);
  const until = (match: (e: Seen) => boolean, what: string, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      if (events.some(match)) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; saw ${events.map((e) => e.type).join(',')}`)), timeoutMs);
      waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return { events, done, until, abort };
}

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  apps = kc.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  for (const a of aborts) a.abort();
  await emulator.close();
});

describe('Kubernetes emulator watch', () => {
  it('streams MODIFIED events until the rollout completes, and resumes from a resourceVersion', async () => {
    seed('watch');
    const w = await openWatch('/apis/apps/v1/namespaces/watch/deployments', { fieldSelector: 'metadata.name=web' });
    await w.until((e) => e.type === 'ADDED', 'the initial ADDED');
    await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'watch',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/web:v3' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await w.until(
      (e) => e.type === 'MODIFIED' && complete(e.object) && e.object.spec?.template?.spec?.containers[0]?.image === 'registry.example/web:v3',
      'a complete rollout',
    );

    const modified = w.events.filter((e) => e.type === 'MODIFIED');
    expect(modified.length).toBeGreaterThan(3);
    const updatedCounts = modified.map((e) => e.object.status?.updatedReplicas ?? 0);
    expect(Math.max(...updatedCounts)).toBe(4);
    expect(updatedCounts.some((n) => n > 0 && n < 4)).toBe(true);
    const versions = modified.map((e) => Number(e.object.metadata?.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));

    const from = modified[0]?.object.metadata?.resourceVersion ?? '';
    const last = modified[modified.length - 1]?.object.metadata?.resourceVersion ?? '';
    const resumed = await openWatch('/apis/apps/v1/namespaces/watch/deployments', { fieldSelector: 'metadata.name=web', resourceVersion: from });
    await resumed.until((e) => e.object.metadata?.resourceVersion === last, 'the replay to reach the last event');
    const replayed = resumed.events.map((e) => e.object.metadata?.resourceVersion);
    expect(replayed.slice(0, replayed.indexOf(last) + 1)).toEqual(modified.slice(1).map((e) => e.object.metadata?.resourceVersion));
    expect(resumed.events.every((e) => e.type === 'MODIFIED')).toBe(true);
  });

  it('filters by label selector: objects entering the selection are ADDED, leaving it DELETED', async () => {
    seed('labels');
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'labels', body: { metadata: { labels: { team: 'a' } } } }, merge);
    const w = await openWatch('/apis/apps/v1/namespaces/labels/deployments', { labelSelector: 'team=a' });
    await w.until((e) => e.type === 'ADDED', 'ADDED');
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'labels', body: { metadata: { labels: { team: 'b' } } } }, merge);
    await w.until((e) => e.type === 'DELETED', 'DELETED on leaving the selection');
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'labels', body: { metadata: { labels: { team: 'a' } } } }, merge);
    await w.until((e) => w.events.indexOf(e) > 1 && e.type === 'ADDED', 'ADDED on re-entering');

    const pods = await openWatch('/api/v1/namespaces/labels/pods', { labelSelector: 'app=web', resourceVersion: '0' });
    await pods.until(() => pods.events.length === 4, 'four existing pods');
    expect(pods.events.every((e) => e.type === 'ADDED')).toBe(true);
  });

  it('answers a too old resourceVersion with an ERROR event carrying 410 Gone', async () => {
    const small = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20, watchHistoryLimit: 10 });
    try {
      const config = new KubeConfig();
      config.loadFromString(small.kubeConfigYaml());
      // Three deployments with their sets and pods are far more than ten changes.
      for (const name of ['a', 'b', 'c'])
        small.seedDeployment({ namespace: 'gone', name, replicas: 3, containers: [{ name: 'app', image: 'web:1' }] });
      const w = await openWatch('/apis/apps/v1/namespaces/gone/deployments', { resourceVersion: '1' }, config);
      await w.until((e) => e.type === 'ERROR', 'the ERROR event');
      expect(w.events[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
      await expect(w.done).resolves.toBeNull();
    } finally {
      await small.close();
    }
  });

  it('sends periodic BOOKMARKs when the client allows them', async () => {
    const quick = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20, bookmarkIntervalMs: 20 });
    try {
      const config = new KubeConfig();
      config.loadFromString(quick.kubeConfigYaml());
      const w = await openWatch('/apis/apps/v1/namespaces/default/deployments', { allowWatchBookmarks: 'true' }, config);
      await w.until((e) => e.type === 'BOOKMARK', 'a BOOKMARK');
      expect(Number(w.events[0]?.object.metadata?.resourceVersion)).toBeGreaterThan(0);
    } finally {
      await quick.close();
    }
  });

  it('ends open watches when told to, as an API server restart would', async () => {
    seed('restart');
    const w = await openWatch('/apis/apps/v1/namespaces/restart/deployments', {});
    await w.until((e) => e.type === 'ADDED', 'ADDED');
    expect(emulator.openWatchCount).toBeGreaterThan(0);
    emulator.dropWatches();
    await expect(w.done).resolves.toBeNull();
  });
});
