// StatefulSet, DaemonSet and Argo Rollout rollbacks end to end: the real bot, the emulated cluster
// and Slack; each kind once to success and once against a target revision that never becomes ready.
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  policyFromRoleManifest,
  type DaemonSet,
  type KubernetesEmulator,
  type Rollout,
  type StatefulSet,
} from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { CHANNEL, IMAGE, NAMESPACE, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { click, command, hasButtons, realClusterWrites, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

const service = (name: string, kind: string, component: string, deadline: number) => `
  ${name}:
    environment: production
    channel: ${CHANNEL}
    kubernetes:
      namespace: ${NAMESPACE}
      ${kind}: [${component}]
      progressDeadlineSeconds: ${deadline}
    verification:
      timeoutSeconds: 20
    approvals:
      approvers: [${USERS.approver}]
      required: 1
      allowSelfApproval: false`;

const CATALOG = `
services:${service('ledger', 'statefulSets', 'ledger-db', 2)}${service('agent', 'daemonSets', 'node-agent', 2)}${service('web', 'rollouts', 'web', 30)}
requireReasonIn: []
`;

const VERSIONS = ['v1.1.0', 'v1.2.0', 'v1.2.1'];
const history = (component: string, versions = VERSIONS) => versions.map((v) => ({ images: { [component]: IMAGE(component, v) } }));

// The bot runs with exactly the permissions deploy/kubernetes grants it: a call it lacks is a 403.
const shippedPolicy = () =>
  policyFromRoleManifest(readFileSync('deploy/kubernetes/base/rbac.yaml', 'utf8'), 'system:serviceaccount:smartspec:smartspec-rollback', [NAMESPACE]);

let h: Harness;
afterEach(async () => {
  await h.close();
});

async function record(svc: string, component: string, version: string, status: 'succeeded' | 'failed', day: number): Promise<string> {
  const id = `${svc}-${version}`;
  const response = await h.api('POST', '/api/v1/deployments', {
    id,
    service: svc,
    environment: 'production',
    version,
    status,
    createdAt: `2026-11-${String(day).padStart(2, '0')}T09:00:00Z`,
    createdBy: 'ci',
    components: { [component]: { image: IMAGE(component, version) } },
    migrations: [],
    verification: { smoke: true },
  });
  expect(response.status).toBe(201);
  return id;
}

async function approveAndAwait(failedId: string, pattern: RegExp): Promise<{ runId: string; text: string }> {
  await command(h, `--failed-deployment-id ${failedId}`);
  const plan = await waitForPlan(h);
  const text = JSON.stringify(plan.blocks);
  await click(h, plan, 'rollback_approve', USERS.approver);
  if (pattern.source !== 'failed') await waitForThread(h, plan, pattern);
  return { runId: runIdOf(plan), text };
}

async function failedRun(runId: string): Promise<{ status: string; steps: Array<{ kind: string; status: string; detail: string | null }> }> {
  return eventually(
    async () => {
      const run = (await h.api('GET', `/api/v1/rollbacks/${runId}`)).json as {
        status: string;
        steps: Array<{ kind: string; status: string; detail: string | null }>;
      };
      return run.status === 'failed' ? run : undefined;
    },
    20_000,
    `run ${runId} failed`,
  );
}

const podImages = (k8s: KubernetesEmulator, prefix: string) =>
  k8s
    .listPods(NAMESPACE)
    .filter((p) => p.metadata.name.startsWith(prefix) && !p.metadata.deletionTimestamp)
    .map((p) => p.spec.containers[0]?.image)
    .sort();

describe('StatefulSet rollback', () => {
  const seed = (k8s: KubernetesEmulator) =>
    k8s.seedStatefulSet({
      namespace: NAMESPACE,
      name: 'ledger-db',
      replicas: 3,
      containers: [{ name: 'ledger-db', image: IMAGE('ledger-db', 'v1.2.1') }],
      history: history('ledger-db'),
    });

  it('restores the ControllerRevision that ran the target, with a resourceVersion precondition, and waits as kubectl rollout status does', async () => {
    h = await startHarness({ catalog: CATALOG, seedCluster: seed });
    h.k8s.setRbacPolicy(shippedPolicy());
    await record('ledger', 'ledger-db', 'v1.2.0', 'succeeded', 19);
    const failed = await record('ledger', 'ledger-db', 'v1.2.1', 'failed', 20);
    const { text } = await approveAndAwait(failed, /Verification passed/);
    expect(text).toContain('Restore StatefulSet `ledger-db` to `registry.example/ledger-db:v1.2.0` (revision 2)');
    const patch = h.k8s.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/statefulsets/ledger-db'));
    expect(patch).toMatchObject({
      contentType: 'application/strategic-merge-patch+json',
      body: { metadata: { resourceVersion: expect.any(String) } },
    });
    const sts = h.k8s.getObject<StatefulSet>('statefulsets', NAMESPACE, 'ledger-db');
    expect(sts?.status).toMatchObject({ readyReplicas: 3, updatedReplicas: 3 });
    expect(sts?.status?.currentRevision).toBe(sts?.status?.updateRevision);
    expect(podImages(h.k8s, 'ledger-db-')).toEqual(Array(3).fill(IMAGE('ledger-db', 'v1.2.0')));
  });

  it('fails the step when the target revision never becomes ready, saying where it stopped', async () => {
    h = await startHarness({
      catalog: CATALOG,
      seedCluster: (k8s) => {
        k8s.setImageBehaviour(IMAGE('ledger-db', 'v1.2.0'), 'never-ready');
        seed(k8s);
      },
    });
    await record('ledger', 'ledger-db', 'v1.2.0', 'succeeded', 19);
    const failed = await record('ledger', 'ledger-db', 'v1.2.1', 'failed', 20);
    const { runId } = await approveAndAwait(failed, /failed/);
    const run = await failedRun(runId);
    const step = run.steps.find((s) => s.kind === 'workload_undo');
    expect(step).toMatchObject({ status: 'failed' });
    expect(step?.detail).toMatch(/^StatefulSet ledger-db: no progress for 2 s: 2 of 3 pods of ledger-db ready/);
  });
});

describe("StatefulSet stuck on pods of the failed revision (Kubernetes' forced rollback)", () => {
  it('names the pods to delete instead of waiting forever, and continues once a person deletes them', async () => {
    h = await startHarness({
      catalog: CATALOG,
      seedCluster: (k8s) => {
        k8s.setImageBehaviour(IMAGE('ledger-db', 'v1.2.1'), 'crash');
        k8s.seedStatefulSet({
          namespace: NAMESPACE,
          name: 'ledger-db',
          replicas: 2,
          containers: [{ name: 'ledger-db', image: IMAGE('ledger-db', 'v1.2.1') }],
          history: history('ledger-db'),
        });
      },
    });
    await record('ledger', 'ledger-db', 'v1.2.0', 'succeeded', 19);
    const failed = await record('ledger', 'ledger-db', 'v1.2.1', 'failed', 20);
    const { runId, text } = await approveAndAwait(failed, /failed/);
    // The plan said so before anyone approved.
    expect(text).toMatch(
      /StatefulSet ledger-db has [01]\/2 ready pods: with podManagementPolicy OrderedReady its controller waits on pods that are not ready/,
    );
    const run = await failedRun(runId);
    expect(run.steps.find((s) => s.kind === 'workload_undo')?.detail).toContain(
      "pod ledger-db-0, ledger-db-1 still run the previous revision and are not ready; with podManagementPolicy OrderedReady the StatefulSet controller waits for them (Kubernetes' forced rollback): delete them to continue (kubectl delete pod ledger-db-0 ledger-db-1 -n shop)",
    );
    // The evidence names the crashing pods of the failed revision.
    const report = (await h.api('GET', `/api/v1/rollbacks/${runId}/report`)).json;
    // Where in its crash loop each pod was when the evidence was taken varies; that it is there does not.
    expect(String(report)).toMatch(/\| `ledger-db-0` \| [^|]+ \| no \| [1-9]\d* \|/);
    expect(String(report)).toContain('ledger-db: 2 pod(s) of v1.2.1 seen before the rollback, 2 not ready');
    // The template is restored already: deleting the stuck pods lets the controller finish.
    const kc = new KubeConfig();
    kc.loadFromString(h.k8s.kubeConfigYaml());
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of ['ledger-db-0', 'ledger-db-1']) await core.deleteNamespacedPod({ name, namespace: NAMESPACE });
    await h.k8s.waitFor(
      () =>
        h.k8s.getObject<StatefulSet>('statefulsets', NAMESPACE, 'ledger-db')?.status?.readyReplicas === 2 &&
        podImages(h.k8s, 'ledger-db-').every((i) => i === IMAGE('ledger-db', 'v1.2.0')),
      10_000,
      'recreated on v1.2.0',
    );
  });
});

describe('DaemonSet rollback', () => {
  const seed = (k8s: KubernetesEmulator) =>
    k8s.seedDaemonSet({
      namespace: NAMESPACE,
      name: 'node-agent',
      containers: [{ name: 'node-agent', image: IMAGE('node-agent', 'v1.2.1') }],
      history: history('node-agent'),
    });

  it('restores the ControllerRevision that ran the target on every node', async () => {
    h = await startHarness({ catalog: CATALOG, seedCluster: seed });
    h.k8s.setRbacPolicy(shippedPolicy());
    await record('agent', 'node-agent', 'v1.2.0', 'succeeded', 19);
    const failed = await record('agent', 'node-agent', 'v1.2.1', 'failed', 20);
    const { text } = await approveAndAwait(failed, /Verification passed/);
    expect(text).toContain('Restore DaemonSet `node-agent` to `registry.example/node-agent:v1.2.0` (revision 2)');
    const ds = h.k8s.getObject<DaemonSet>('daemonsets', NAMESPACE, 'node-agent');
    expect(ds?.status).toMatchObject({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 });
    expect(podImages(h.k8s, 'node-agent-')).toEqual(Array(3).fill(IMAGE('node-agent', 'v1.2.0')));
  });

  it('fails the step when the target revision never becomes ready', async () => {
    h = await startHarness({
      catalog: CATALOG,
      seedCluster: (k8s) => {
        k8s.setImageBehaviour(IMAGE('node-agent', 'v1.2.0'), 'never-ready');
        seed(k8s);
      },
    });
    await record('agent', 'node-agent', 'v1.2.0', 'succeeded', 19);
    const failed = await record('agent', 'node-agent', 'v1.2.1', 'failed', 20);
    const { runId } = await approveAndAwait(failed, /failed/);
    const run = await failedRun(runId);
    expect(run.steps.find((s) => s.kind === 'workload_undo')?.detail).toMatch(
      /^DaemonSet node-agent: no progress for 2 s: \d of 3 updated pods of node-agent available|^DaemonSet node-agent: no progress for 2 s: \d of 3 pods of node-agent updated/,
    );
  });
});

describe('Argo Rollout rollback', () => {
  const ARGO = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', namespace: NAMESPACE, name: 'web' };
  const rollout = () => h.k8s.getObject<Rollout>('rollouts', NAMESPACE, 'web');

  it('aborts the canary in progress, restores the stable revision and waits until Healthy', async () => {
    h = await startHarness({
      catalog: CATALOG,
      seedCluster: (k8s) => {
        k8s.seedRollout({
          namespace: NAMESPACE,
          name: 'web',
          replicas: 4,
          containers: [{ name: 'web', image: IMAGE('web', 'v1.2.0') }],
          history: history('web', ['v1.1.0', 'v1.2.0']),
          strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }] } },
        });
      },
    });
    const stable = rollout()?.status?.stableRS;
    // The failed deploy: a canary of v1.2.1 paused at 25 %.
    const kc = new KubeConfig();
    kc.loadFromString(h.k8s.kubeConfigYaml());
    await kc
      .makeApiClient(CustomObjectsApi)
      .patchNamespacedCustomObject(
        { ...ARGO, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: IMAGE('web', 'v1.2.1') }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
    await h.k8s.waitFor(() => rollout()?.status?.phase === 'Paused', 5_000, 'the canary paused');
    h.k8s.setRbacPolicy(shippedPolicy());
    await record('web', 'web', 'v1.2.0', 'succeeded', 19);
    const failed = await record('web', 'web', 'v1.2.1', 'failed', 20);

    const { text } = await approveAndAwait(failed, /Verification passed/);
    expect(text).toMatch(
      /Abort the update in progress of Rollout `web`[\s\S]*Restore Rollout `web` to `registry.example\/web:v1.2.0` \(revision 2\)/,
    );
    const abort = h.k8s.requests.findIndex((r) => r.method === 'PATCH' && r.path.endsWith('/rollouts/web/status'));
    const undo = h.k8s.requests.findLastIndex((r) => r.method === 'PATCH' && r.path.endsWith('/rollouts/web'));
    expect(h.k8s.requests[abort]).toMatchObject({ contentType: 'application/merge-patch+json', body: { status: { abort: true } } });
    expect(undo).toBeGreaterThan(abort);
    expect(h.k8s.requests[undo]?.body).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'test', path: '/metadata/resourceVersion' })]));
    expect(rollout()?.status).toMatchObject({ phase: 'Healthy', stableRS: stable, currentPodHash: stable });
    expect(rollout()?.spec.template.spec.containers[0]?.image).toBe(IMAGE('web', 'v1.2.0'));
  });

  it('blocks a Rollout that Argo CD manages, as for a Deployment, and writes nothing', async () => {
    h = await startHarness({
      catalog: CATALOG,
      seedCluster: (k8s) => {
        k8s.seedRollout({
          namespace: NAMESPACE,
          name: 'web',
          replicas: 2,
          annotations: { 'argocd.argoproj.io/tracking-id': 'shop-web:argoproj.io/Rollout:shop/web' },
          containers: [{ name: 'web', image: IMAGE('web', 'v1.2.1') }],
          history: history('web', ['v1.2.0', 'v1.2.1']),
          strategy: { canary: { steps: [{ setWeight: 50 }] } },
        });
      },
    });
    await record('web', 'web', 'v1.2.0', 'succeeded', 19);
    const failed = await record('web', 'web', 'v1.2.1', 'failed', 20);
    await command(h, `--failed-deployment-id ${failed}`);
    const plan = await waitForPlan(h);
    expect(JSON.stringify(plan.blocks)).toContain('web (Argo CD app shop-web) is managed by GitOps');
    expect(hasButtons(plan)).toBe(false);
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('fails the step when the restored revision never becomes ready: Argo reports the rollout Degraded', async () => {
    h = await startHarness({
      catalog: CATALOG,
      seedCluster: (k8s) => {
        k8s.setImageBehaviour(IMAGE('web', 'v1.1.0'), 'never-ready');
        k8s.seedRollout({
          namespace: NAMESPACE,
          name: 'web',
          replicas: 2,
          progressDeadlineSeconds: 1,
          containers: [{ name: 'web', image: IMAGE('web', 'v1.2.1') }],
          history: history('web', ['v1.1.0', 'v1.2.1']),
          strategy: { canary: { steps: [{ setWeight: 50 }] } },
        });
      },
    });
    await record('web', 'web', 'v1.1.0', 'succeeded', 18);
    const failed = await record('web', 'web', 'v1.2.1', 'failed', 20);
    const { runId, text } = await approveAndAwait(failed, /failed/);
    expect(text).not.toContain('Abort the update');
    const run = await failedRun(runId);
    expect(run.steps.find((s) => s.kind === 'argo_undo')?.detail).toMatch(
      /^Rollout web: web is Degraded: ProgressDeadlineExceeded: ReplicaSet "web-\w+" has timed out progressing\./,
    );
  });
});
