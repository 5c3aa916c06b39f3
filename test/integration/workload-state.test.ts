// What the bot reads of StatefulSets, DaemonSets and Argo Rollouts, over the real client against the
// emulator: history from ControllerRevisions and ReplicaSets, GitOps ownership, rollout warnings.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { discoverDeployments } from '../../src/adapters/kubernetes/history-discovery.js';
import { readServiceState } from '../../src/adapters/kubernetes/kubernetes-state.js';
import type { KubernetesTarget } from '../../src/core/service.js';
import { makeService } from '../support/services.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';

let emulator: KubernetesEmulator;
let clients: ReturnType<KubeClients['for']>;

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  clients = new KubeClients(kc).for();
});

afterAll(async () => {
  await emulator.close();
});

const img = (c: string, v: string) => `registry.example/${c}:${v}`;
const history = (c: string, versions: string[]) => versions.map((v) => ({ images: { [c]: img(c, v) } }));

describe('readServiceState for other workloads', () => {
  it('reads revisions, images, counts, GitOps owners and rollout warnings of each kind', async () => {
    emulator.seedStatefulSet({
      namespace: 'mixed',
      name: 'db',
      replicas: 3,
      containers: [{ name: 'db', image: img('db', 'v2') }],
      history: history('db', ['v1', 'v2']),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
    });
    emulator.seedDaemonSet({
      namespace: 'mixed',
      name: 'agent',
      containers: [{ name: 'agent', image: img('agent', 'v3') }],
      history: history('agent', ['v1', 'v2', 'v3']),
      updateStrategy: { type: 'OnDelete' },
    });
    emulator.seedRollout({
      namespace: 'mixed',
      name: 'web',
      replicas: 2,
      labels: { app: 'web', 'argocd.argoproj.io/instance': 'shop-web' },
      containers: [{ name: 'web', image: img('web', 'v2') }],
      history: history('web', ['v1', 'v2']),
      strategy: { canary: { steps: [{ setWeight: 50 }] } },
    });

    const state = await readServiceState(clients, {
      kind: 'kubernetes',
      namespace: 'mixed',
      deployments: [],
      core: [],
      workloads: [
        { name: 'db', kind: 'StatefulSet' },
        { name: 'agent', kind: 'DaemonSet' },
        { name: 'web', kind: 'Rollout' },
        { name: 'gone', kind: 'StatefulSet' },
      ],
    });
    const byName = Object.fromEntries(state.components.map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['db', 'agent', 'web']);
    expect(byName['db']).toMatchObject({
      images: [img('db', 'v2')],
      revision: 2,
      desiredReplicas: 3,
      readyReplicas: 3,
      rolloutInProgress: false,
      history: [
        { revision: 2, images: [img('db', 'v2')] },
        { revision: 1, images: [img('db', 'v1')] },
      ],
      rolloutWarnings: ['StatefulSet db has partition 1: only ordinals 1 and up take the restored template; ordinal 0 keeps its revision.'],
    });
    expect(byName['agent']).toMatchObject({
      revision: 3,
      desiredReplicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      rolloutWarnings: [
        'DaemonSet agent uses updateStrategy OnDelete: the rollback restores its template, but its pods change only when someone deletes them.',
      ],
    });
    expect(byName['agent']?.history.map((h) => h.revision)).toEqual([3, 2, 1]);
    expect(byName['web']).toMatchObject({
      revision: 2,
      rolloutInProgress: false,
      gitOps: { tool: 'Argo CD', app: 'shop-web' },
      history: [
        { revision: 2, images: [img('web', 'v2')] },
        { revision: 1, images: [img('web', 'v1')] },
      ],
    });
  });

  it("discovers the deployments of a service without Deployments from its primary workload's revisions", async () => {
    emulator.seedStatefulSet({
      namespace: 'found',
      name: 'db',
      replicas: 2,
      containers: [{ name: 'db', image: img('db', 'v2') }],
      history: history('db', ['v1', 'v2']),
    });
    emulator.seedDaemonSet({
      namespace: 'found',
      name: 'agent',
      containers: [{ name: 'agent', image: img('agent', 'v7') }],
      history: history('agent', ['v6', 'v7']),
    });
    const target: KubernetesTarget = {
      kind: 'kubernetes',
      namespace: 'found',
      deployments: [],
      core: ['db'],
      workloads: [
        { name: 'agent', kind: 'DaemonSet' },
        { name: 'db', kind: 'StatefulSet' },
      ],
    };
    const found = await discoverDeployments(clients, makeService({ name: 'ledger', target }), target, AbortSignal.timeout(10_000));
    expect(found.map((d) => [d.id, d.version, d.status, d.createdBy, d.components])).toEqual([
      ['ledger@r2', 'v2', 'succeeded', 'cluster (StatefulSet history)', { agent: { image: img('agent', 'v7') }, db: { image: img('db', 'v2') } }],
      ['ledger@r1', 'v1', 'unverified', 'cluster (StatefulSet history)', { agent: { image: img('agent', 'v6') }, db: { image: img('db', 'v1') } }],
    ]);
  });
});
