// One execution's drift re-read, evidence and first write share one read of each Deployment and its
// ReplicaSets (execution-reads.ts): seen in the Kubernetes emulator's request log, against the real
// client. The first PATCH carries the drift-checked resourceVersion, so a change in between is refused
// and the step reads afresh; after the first write every read goes to the API server again.
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { KubernetesProvider } from '../../src/adapters/kubernetes/kubernetes-provider.js';
import { ProviderRouter } from '../../src/adapters/provider-router.js';
import type { DeployProvider } from '../../src/core/ports.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { makeRun, makeStep } from '../support/builders.js';
import { makeService } from '../support/services.js';

const NS = 'shop';
const COMPONENTS = ['checkout-api', 'checkout-worker'];
const img = (c: string, v: string) => `registry.example/${c}:${v}`;
const service = makeService();
const run = makeRun({ id: 'rb-shared1', status: 'executing' });
const step = makeStep({ component: 'checkout-api', target: { image: img('checkout-api', 'v1.2.0'), revision: 2 } });
const FAILED = COMPONENTS.map((c) => img(c, 'v1.2.1'));

let emulator: KubernetesEmulator;
let base: KubernetesProvider;
let apps: AppsV1Api;

beforeEach(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 10 });
  for (const name of COMPONENTS) {
    emulator.seedDeployment({
      namespace: NS,
      name,
      replicas: 1,
      containers: [{ name, image: img(name, 'v1.2.1') }],
      history: ['v1.1.0', 'v1.2.0', 'v1.2.1'].map((v) => ({ images: { [name]: img(name, v) } })),
    });
  }
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  base = new KubernetesProvider(new KubeClients(kc), { now: () => new Date() });
  apps = kc.makeApiClient(AppsV1Api);
  emulator.requests.length = 0;
});

afterEach(async () => {
  await emulator.close();
});

const signal = () => AbortSignal.timeout(10_000);
const deploymentGets = (name: string) =>
  emulator.requests.filter((r) => r.method === 'GET' && r.path === `/apis/apps/v1/namespaces/${NS}/deployments/${name}`);
const replicaSetLists = () => emulator.requests.filter((r) => r.method === 'GET' && r.path === `/apis/apps/v1/namespaces/${NS}/replicasets`);
const patches = () => emulator.requests.filter((r) => r.method === 'PATCH' && r.path === `/apis/apps/v1/namespaces/${NS}/deployments/checkout-api`);

/** What the drift re-read and the evidence read, at once, as startApproved does. */
async function readBeforeFirstWrite(execution: DeployProvider) {
  const [state, evidence] = await Promise.all([execution.currentState(service, signal()), execution.evidence(run, service, FAILED, signal())]);
  return { state, evidence };
}

describe('an execution shares its reads until its first write', () => {
  it('reads each Deployment and its ReplicaSets once for the drift re-read, the evidence and the first PATCH', async () => {
    const execution = base.forExecution(service);
    const { state, evidence } = await readBeforeFirstWrite(execution);
    expect(state.components.map((c) => c.name)).toEqual(COMPONENTS);
    expect(evidence.pods.map((p) => p.component).sort()).toEqual(['checkout-api', 'checkout-worker']);
    const readVersion = emulator.getDeployment(NS, 'checkout-api')?.metadata.resourceVersion;

    const result = await execution.execute(run, step, service, signal());

    expect(result).toMatchObject({ status: 'done' });
    expect(deploymentGets('checkout-api').length).toBeGreaterThanOrEqual(1);
    // Before the PATCH: one read of each Deployment and one list of each one's ReplicaSets, shared by all three.
    const patchAt = emulator.requests.indexOf(patches()[0]!);
    const before = emulator.requests.slice(0, patchAt);
    for (const name of COMPONENTS)
      expect(
        before.filter((r) => r.method === 'GET' && r.path.endsWith(`/deployments/${name}`)),
        name,
      ).toHaveLength(1);
    expect(before.filter((r) => r.path === `/apis/apps/v1/namespaces/${NS}/replicasets`)).toHaveLength(2);
    // The write is conditional on the Deployment the drift check compared.
    expect(patches()).toHaveLength(1);
    expect((patches()[0]!.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(readVersion);
    expect(emulator.getDeployment(NS, 'checkout-api')?.spec.template.spec?.containers?.[0]?.image).toBe(img('checkout-api', 'v1.2.0'));
  });

  it('has a change made after the drift re-read refuse the PATCH, and the step reads afresh', async () => {
    const execution = base.forExecution(service);
    await readBeforeFirstWrite(execution);
    const checked = emulator.getDeployment(NS, 'checkout-api')?.metadata.resourceVersion;
    // Someone scales the Deployment between the drift check and the write.
    await apps.patchNamespacedDeployment(
      { name: 'checkout-api', namespace: NS, body: { spec: { replicas: 2 } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const readsBefore = deploymentGets('checkout-api').length;

    const result = await execution.execute(run, step, service, signal());

    expect(result).toMatchObject({ status: 'done' });
    const [first, second] = patches().filter((r) => (r.body as { metadata?: object }).metadata); // not the scale
    expect((first!.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(checked);
    expect((second!.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).not.toBe(checked);
    // The retry read the Deployment from the API server, between the refused PATCH and the second one.
    const firstAt = emulator.requests.indexOf(first!);
    const secondAt = emulator.requests.indexOf(second!);
    expect(emulator.requests.slice(firstAt, secondAt).some((r) => r.method === 'GET' && r.path.endsWith('/deployments/checkout-api'))).toBe(true);
    expect(deploymentGets('checkout-api').length).toBeGreaterThan(readsBefore);
    const now = emulator.getDeployment(NS, 'checkout-api');
    expect([now?.spec.replicas, now?.spec.template.spec?.containers?.[0]?.image]).toEqual([2, img('checkout-api', 'v1.2.0')]);
  });

  it('reads from the API server again once the first write was made', async () => {
    const execution = base.forExecution(service);
    await readBeforeFirstWrite(execution);
    await execution.execute(run, step, service, signal());
    const gets = deploymentGets('checkout-worker').length;
    const lists = replicaSetLists().length;

    const after = await execution.currentState(service, signal());

    expect(deploymentGets('checkout-worker').length).toBe(gets + 1);
    expect(replicaSetLists().length).toBe(lists + 2);
    expect(after.components.find((c) => c.name === 'checkout-api')?.images).toEqual([img('checkout-api', 'v1.2.0')]);
  });

  it('shares nothing outside an execution: every state read reads the cluster', async () => {
    await base.currentState(service, signal());
    await base.currentState(service, signal());
    for (const name of COMPONENTS) expect(deploymentGets(name), name).toHaveLength(2);
    expect(replicaSetLists()).toHaveLength(4);
  });

  it('keeps executions apart: a second execution reads the cluster for itself', async () => {
    await readBeforeFirstWrite(base.forExecution(service));
    await base.forExecution(service).currentState(service, signal());
    for (const name of COMPONENTS) expect(deploymentGets(name), name).toHaveLength(2);
  });

  it('is reached through the provider router for a Kubernetes service; other kinds execute through the router itself', async () => {
    const router = new ProviderRouter({ kubernetes: base, helm: base, command: base });
    const execution = router.forExecution(service);
    await readBeforeFirstWrite(execution);
    for (const name of COMPONENTS) expect(deploymentGets(name), name).toHaveLength(1);
    const helm = makeService({ target: { kind: 'helm', release: 'checkout', namespace: 'shop', timeoutSeconds: 300 } });
    const withoutSessions = new ProviderRouter({
      kubernetes: base,
      helm: { ...base, forExecution: undefined } as unknown as DeployProvider,
      command: base,
    });
    expect(withoutSessions.forExecution(helm)).toBe(withoutSessions);
  });
});
