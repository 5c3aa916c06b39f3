// Server-side dry runs of the StatefulSet, DaemonSet and Argo Rollout steps (what rehearsals use):
// the API server validates each write and nothing changes.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { KubernetesProvider } from '../../src/adapters/kubernetes/kubernetes-provider.js';
import type { Step } from '../../src/core/model.js';
import { startKubernetesEmulator, type KubernetesEmulator, type Rollout, type StatefulSet } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { makeRun } from '../support/builders.js';
import { makeService } from '../support/services.js';

let emulator: KubernetesEmulator;
let provider: KubernetesProvider;

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  provider = new KubernetesProvider(new KubeClients(kc), { now: () => new Date() });
});

afterAll(async () => {
  await emulator.close();
});

const img = (c: string, v: string) => `registry.example/${c}:${v}`;
const history = (c: string, versions: string[]) => versions.map((v) => ({ images: { [c]: img(c, v) } }));
const service = makeService({
  name: 'mixed',
  target: {
    kind: 'kubernetes',
    namespace: 'dry',
    deployments: [],
    core: [],
    workloads: [
      { name: 'db', kind: 'StatefulSet' },
      { name: 'web', kind: 'Rollout' },
    ],
  },
});
const step = (s: Partial<Step> & Pick<Step, 'kind' | 'component'>): Step => ({ index: 1, description: '', expectedSeconds: 60, ...s }) as Step;

describe('dry runs of workload steps', () => {
  it('has the API server accept each write and changes nothing', async () => {
    emulator.seedStatefulSet({
      namespace: 'dry',
      name: 'db',
      replicas: 2,
      containers: [{ name: 'db', image: img('db', 'v2') }],
      history: history('db', ['v1', 'v2']),
    });
    emulator.seedRollout({
      namespace: 'dry',
      name: 'web',
      replicas: 2,
      containers: [{ name: 'web', image: img('web', 'v2') }],
      history: history('web', ['v1', 'v2']),
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
    });
    const before = { db: emulator.getObject<StatefulSet>('statefulsets', 'dry', 'db'), web: emulator.getObject<Rollout>('rollouts', 'dry', 'web') };
    const run = makeRun({ plan: { service: 'mixed', components: ['db', 'web'] } });
    const steps = [
      step({ kind: 'workload_undo', workload: 'StatefulSet', component: 'db', target: { image: img('db', 'v1'), revision: 1 } }),
      step({ kind: 'argo_undo', component: 'web', target: { image: img('web', 'v1'), revision: 1 } }),
      step({ kind: 'argo_abort', component: 'web' }),
    ];
    for (const s of steps) {
      const result = await provider.dryRun(run, s, service, AbortSignal.timeout(10_000));
      expect(result, s.kind).toMatchObject({ status: 'done', detail: 'the API server accepted this write (dryRun=All); nothing was changed' });
    }
    const writes = emulator.requests.filter((r) => r.method === 'PATCH');
    expect(writes.map((r) => [r.path, r.query['dryRun']])).toEqual([
      ['/apis/apps/v1/namespaces/dry/statefulsets/db', 'All'],
      ['/apis/argoproj.io/v1alpha1/namespaces/dry/rollouts/web', 'All'],
    ]);
    // The controllers keep writing status; spec, generation and annotations are what a write would change.
    const db = emulator.getObject<StatefulSet>('statefulsets', 'dry', 'db');
    const web = emulator.getObject<Rollout>('rollouts', 'dry', 'web');
    expect([db?.metadata.generation, db?.metadata.annotations, db?.spec]).toEqual([
      before.db?.metadata.generation,
      before.db?.metadata.annotations,
      before.db?.spec,
    ]);
    expect([web?.metadata.generation, web?.spec, web?.status?.abort]).toEqual([before.web?.metadata.generation, before.web?.spec, undefined]);
  });

  it('says what the API server would refuse', async () => {
    const run = makeRun({ plan: { service: 'mixed' } });
    const result = await provider.dryRun(
      run,
      step({ kind: 'workload_undo', workload: 'StatefulSet', component: 'missing', target: { image: img('db', 'v1') } }),
      service,
      AbortSignal.timeout(10_000),
    );
    expect(result).toMatchObject({
      status: 'failed',
      detail: 'the API server would refuse this write: Kubernetes API 404: statefulsets.apps "missing" not found',
    });
  });
});
