// History discovery over the real Kubernetes client and the emulator: each ReplicaSet revision of the
// primary Deployment is one deployment `<service>@r<revision>`, and none is "succeeded" by default —
// only the live revision, once its rollout completed with every replica available.
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { KubernetesProvider } from '../../src/adapters/kubernetes/kubernetes-provider.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { eventually } from '../support/eventually.js';
import { makeService } from '../support/services.js';

const image = (component: string, version: string) => `registry.example/${component}:${version}`;
const VERSIONS = ['v1.1.0', 'v1.2.0', 'v1.2.1'];

let k8s: KubernetesEmulator;
afterEach(async () => {
  await k8s.close();
});

async function start(liveBehaviour: 'crash' | 'healthy'): Promise<KubernetesProvider> {
  k8s = await startKubernetesEmulator({ tickMs: 10, podStartMs: 40 });
  if (liveBehaviour === 'crash') k8s.setImageBehaviour(image('checkout-api', 'v1.2.1'), 'crash', { logLines: ['boom'] });
  for (const [component, replicas] of [
    ['checkout-api', 3],
    ['checkout-worker', 2],
  ] as const) {
    k8s.seedDeployment({
      namespace: 'shop',
      name: component,
      replicas,
      containers: [{ name: component, image: image(component, 'v1.2.1') }],
      history: VERSIONS.map((v) => ({ images: { [component]: image(component, v) } })),
    });
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(k8s.kubeConfigYaml());
  return new KubernetesProvider(new KubeClients(kubeConfig), { now: () => new Date() });
}

const discover = (provider: KubernetesProvider) => provider.discoverHistory(makeService(), AbortSignal.timeout(10_000));

describe('Kubernetes history discovery', () => {
  it('names each revision, with every component at its version, and calls none succeeded while the live one crash-loops', async () => {
    const provider = await start('crash');
    const found = await discover(provider);
    expect(found.map((d) => [d.id, d.version, d.status])).toEqual([
      ['checkout@r3', 'v1.2.1', 'unverified'],
      ['checkout@r2', 'v1.2.0', 'unverified'],
      ['checkout@r1', 'v1.1.0', 'unverified'],
    ]);
    // Scaled-down ReplicaSets say nothing about the replica count the version ran with.
    expect(found[2]?.components).toEqual({
      'checkout-api': { image: image('checkout-api', 'v1.1.0') },
      'checkout-worker': { image: image('checkout-worker', 'v1.1.0') },
    });
  });

  it('the live revision is succeeded once its rollout completed with every replica available; older ones stay unverified', async () => {
    const provider = await start('healthy');
    const found = await eventually(
      async () => {
        const all = await discover(provider);
        return all.find((d) => d.id === 'checkout@r3')?.status === 'succeeded' ? all : undefined;
      },
      10_000,
      'the live revision proven healthy',
    );
    expect(found.filter((d) => d.id !== 'checkout@r3').map((d) => d.status)).toEqual(['unverified', 'unverified']);
  });
});
