// StatefulSets, DaemonSets, ConfigMaps, Secrets, HTTPRoutes and the emulated RBAC over @kubernetes/client-node.
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  policyFromRoleManifest,
  startKubernetesEmulator,
  withoutPermission,
  type KubernetesEmulator,
  type StatefulSet,
} from '../../sandbox/kubernetes/kubernetes-emulator.js';

let emulator: KubernetesEmulator;
let apps: AppsV1Api;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let auth: AuthorizationV1Api;

const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
  auth = kc.makeApiClient(AuthorizationV1Api);
});

afterAll(async () => {
  expect(emulator.controllerError).toBeUndefined();
  await emulator.close();
});

async function failure(promise: Promise<unknown>): Promise<{ code: number; body: string }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as { code: number; body: string },
  );
}

const podImages = (ns: string, prefix: string) =>
  Object.fromEntries(
    emulator
      .listPods(ns)
      .filter((p) => p.metadata.name.startsWith(prefix) && !p.metadata.deletionTimestamp)
      .map((p) => [p.metadata.name, p.spec.containers[0]?.image]),
  );

describe('emulated StatefulSets', () => {
  it('stops an OrderedReady rollout at a pod that never becomes ready, and keeps it stopped after a revert until that pod is deleted', async () => {
    emulator.setImageBehaviour('db:bad', 'never-ready');
    emulator.seedStatefulSet({ namespace: 'forced', name: 'db', replicas: 3, containers: [{ name: 'app', image: 'db:v1' }] });
    const set = (image: string) =>
      apps.patchNamespacedStatefulSet(
        { name: 'db', namespace: 'forced', body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } },
        strategic,
      );
    await set('db:bad');
    await emulator.waitFor(() => podImages('forced', 'db-')['db-2'] === 'db:bad', 5_000, 'db-2 recreated at the bad revision');
    await set('db:v1');
    const reverted = emulator.getObject<StatefulSet>('statefulsets', 'forced', 'db');
    await emulator.waitFor(
      () => emulator.getObject<StatefulSet>('statefulsets', 'forced', 'db')?.status?.observedGeneration === reverted?.metadata.generation,
      5_000,
      'revert observed',
    );
    expect(podImages('forced', 'db-')).toEqual({ 'db-0': 'db:v1', 'db-1': 'db:v1', 'db-2': 'db:bad' });

    await core.deleteNamespacedPod({ name: 'db-2', namespace: 'forced' });
    await emulator.waitFor(
      () => {
        const s = emulator.getObject<StatefulSet>('statefulsets', 'forced', 'db')?.status;
        return s?.readyReplicas === 3 && s.updatedReplicas === 3 && s.currentRevision === s.updateRevision;
      },
      5_000,
      'recreated at the reverted revision',
    );
    expect(podImages('forced', 'db-')).toEqual({ 'db-0': 'db:v1', 'db-1': 'db:v1', 'db-2': 'db:v1' });
  });

  it('replaces a never-ready pod by itself under the Parallel policy, and gives deleted pods the update revision under OnDelete', async () => {
    emulator.setImageBehaviour('kv:bad', 'never-ready');
    emulator.seedStatefulSet({
      namespace: 'parallel',
      name: 'kv',
      replicas: 2,
      podManagementPolicy: 'Parallel',
      containers: [{ name: 'app', image: 'kv:v1' }],
    });
    const set = (ns: string, name: string, image: string) =>
      apps.patchNamespacedStatefulSet(
        { name, namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } },
        strategic,
      );
    await set('parallel', 'kv', 'kv:bad');
    await emulator.waitFor(() => podImages('parallel', 'kv-')['kv-1'] === 'kv:bad', 5_000, 'kv-1 at the bad revision');
    await set('parallel', 'kv', 'kv:v1');
    await emulator.waitFor(
      () =>
        emulator.getObject<StatefulSet>('statefulsets', 'parallel', 'kv')?.status?.readyReplicas === 2 &&
        podImages('parallel', 'kv-')['kv-1'] === 'kv:v1',
      5_000,
      'healed',
    );

    emulator.seedStatefulSet({
      namespace: 'ondelete',
      name: 'mq',
      replicas: 2,
      updateStrategy: { type: 'OnDelete' },
      containers: [{ name: 'app', image: 'mq:v1' }],
    });
    await set('ondelete', 'mq', 'mq:v2');
    await emulator.waitFor(
      () =>
        emulator.getObject<StatefulSet>('statefulsets', 'ondelete', 'mq')?.status?.updateRevision !==
        emulator.getObject<StatefulSet>('statefulsets', 'ondelete', 'mq')?.status?.currentRevision,
      5_000,
      'update revision',
    );
    expect(podImages('ondelete', 'mq-')).toEqual({ 'mq-0': 'mq:v1', 'mq-1': 'mq:v1' });
    await core.deleteNamespacedPod({ name: 'mq-0', namespace: 'ondelete' });
    await emulator.waitFor(() => podImages('ondelete', 'mq-')['mq-0'] === 'mq:v2', 5_000, 'mq-0 recreated at the update revision');
    expect(podImages('ondelete', 'mq-')['mq-1']).toBe('mq:v1');
  });

  it('refuses a selector change and an unknown update strategy', async () => {
    emulator.seedStatefulSet({ namespace: 'invalid', name: 'db', replicas: 1, containers: [{ name: 'app', image: 'db:v1' }] });
    const selector = await failure(
      apps.patchNamespacedStatefulSet({ name: 'db', namespace: 'invalid', body: { spec: { selector: { matchLabels: { app: 'other' } } } } }, merge),
    );
    expect(selector.code).toBe(422);
    expect(selector.body).toContain('spec.selector');
    const strategy = await failure(
      apps.patchNamespacedStatefulSet({ name: 'db', namespace: 'invalid', body: { spec: { updateStrategy: { type: 'Sometimes' } } } }, merge),
    );
    expect(strategy.body).toContain('Unsupported value: \\"Sometimes\\"');
  });
});

describe('emulated ConfigMaps, Secrets and HTTPRoutes', () => {
  it('keeps ConfigMap contents, folds Secret stringData into base64 data, and honours immutable', async () => {
    await core.createNamespace({ body: { metadata: { name: 'config' } } });
    const cm = await core.createNamespacedConfigMap({
      namespace: 'config',
      body: { metadata: { name: 'app' }, data: { LEVEL: 'debug', 'app.yaml': 'a: 1\n' } },
    });
    const updated = await core.replaceNamespacedConfigMap({ namespace: 'config', name: 'app', body: { ...cm, data: { LEVEL: 'info' } } });
    expect(updated.data).toEqual({ LEVEL: 'info' });
    const stale = await failure(core.replaceNamespacedConfigMap({ namespace: 'config', name: 'app', body: { ...cm, data: { LEVEL: 'warn' } } }));
    expect(stale.code).toBe(409);

    const secret = await core.createNamespacedSecret({
      namespace: 'config',
      body: { metadata: { name: 'db' }, stringData: { password: 'hunter2' }, immutable: true },
    });
    expect(secret).toMatchObject({ type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } });
    expect(secret.stringData).toBeUndefined();
    const frozen = await failure(core.patchNamespacedSecret({ namespace: 'config', name: 'db', body: { data: { password: 'eA==' } } }, merge));
    expect(frozen.code).toBe(422);
    expect(frozen.body).toContain('field is immutable when `immutable` is set');
  });

  it('stores HTTPRoute backend weights with the Gateway API defaults, and refuses an out-of-range weight', async () => {
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web' },
      spec: {
        parentRefs: [{ name: 'gw' }],
        rules: [
          {
            backendRefs: [
              { name: 'blue', port: 80, weight: 90 },
              { name: 'green', port: 80 },
            ],
          },
        ],
      },
    };
    const api = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', namespace: 'config' };
    const created = (await custom.createNamespacedCustomObject({ ...api, body: route })) as { spec: { rules: Array<{ backendRefs: unknown[] }> } };
    expect(created.spec.rules[0]?.backendRefs).toEqual([
      { name: 'blue', port: 80, weight: 90, kind: 'Service', group: '' },
      { name: 'green', port: 80, weight: 1, kind: 'Service', group: '' },
    ]);
    const patched = (await custom.patchNamespacedCustomObject(
      { ...api, name: 'web', body: [{ op: 'replace', path: '/spec/rules/0/backendRefs/1/weight', value: 10 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as typeof created;
    expect(patched.spec.rules[0]?.backendRefs[1]).toMatchObject({ weight: 10 });
    const bad = await failure(
      custom.patchNamespacedCustomObject(
        { ...api, name: 'web', body: [{ op: 'replace', path: '/spec/rules/0/backendRefs/1/weight', value: -5 }] },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(bad.code).toBe(422);
    expect(bad.body).toContain('spec.rules[0].backendRefs[1].weight');

    // The route's status, as a Gateway controller reports it: accepted; its backends resolved once they exist.
    type Parents = { status?: { parents?: Array<{ conditions: Array<{ type: string; status: string; reason: string }> }> } };
    const conditions = () =>
      emulator
        .getObject<Parents & { apiVersion: string; kind: string; metadata: { name: string } }>('httproutes', 'config', 'web')
        ?.status?.parents?.[0]?.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`);
    await emulator.waitFor(() => conditions() !== undefined, 5_000, 'route status');
    expect(conditions()).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=False/BackendNotFound']);
    emulator.seedService({ namespace: 'config', name: 'blue', selector: { app: 'web' } });
    emulator.seedService({ namespace: 'config', name: 'green', selector: { app: 'web' } });
    await emulator.waitFor(() => conditions()?.[1] === 'ResolvedRefs=True/ResolvedRefs', 5_000, 'backends resolved');
  });
});

describe('emulated RBAC', () => {
  it('runs with the rules of a Role manifest, and can take one permission away', async () => {
    emulator.seedDeployment({ namespace: 'shipped', name: 'web', replicas: 1, containers: [{ name: 'app', image: 'web:v1' }] });
    const shipped = policyFromRoleManifest(readFileSync('deploy/kubernetes/base/rbac.yaml', 'utf8'), 'system:serviceaccount:smartspec:bot', [
      'shipped',
    ]);
    emulator.setRbacPolicy(withoutPermission(shipped, 'apps', 'deployments', 'patch'));
    try {
      await apps.readNamespacedDeployment({ name: 'web', namespace: 'shipped' });
      expect(
        (await failure(apps.patchNamespacedDeployment({ name: 'web', namespace: 'shipped', body: { spec: { replicas: 2 } } }, merge))).code,
      ).toBe(403);
      expect((await failure(core.listNamespacedSecret({ namespace: 'shipped' }))).code).toBe(403);
      expect((await failure(apps.readNamespacedDeployment({ name: 'web', namespace: 'default' }))).code).toBe(403);
      emulator.setRbacPolicy(shipped);
      await apps.patchNamespacedDeployment({ name: 'web', namespace: 'shipped', body: { spec: { replicas: 2 } } }, merge);
    } finally {
      emulator.setRbacPolicy(undefined);
    }
  });

  it('answers access reviews from the rule set and refuses what it does not allow with 403', async () => {
    emulator.seedDeployment({ namespace: 'rbac', name: 'web', replicas: 1, containers: [{ name: 'app', image: 'web:v1' }] });
    const review = (verb: string, name?: string) =>
      auth.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { namespace: 'rbac', verb, group: 'apps', resource: 'deployments', ...(name ? { name } : {}) } } },
      });
    expect((await review('patch', 'web')).status?.allowed).toBe(true);

    emulator.setRbacPolicy({
      user: 'system:serviceaccount:smartspec:bot',
      rules: [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'], resourceNames: ['other'], namespaces: ['rbac'] },
      ],
    });
    try {
      expect((await review('patch', 'web')).status?.allowed).toBe(false);
      expect((await review('patch', 'other')).status?.allowed).toBe(true);
      expect((await review('get', 'web')).status?.allowed).toBe(true);
      await apps.readNamespacedDeployment({ name: 'web', namespace: 'rbac' });
      const denied = await failure(apps.patchNamespacedDeployment({ name: 'web', namespace: 'rbac', body: { spec: { replicas: 2 } } }, merge));
      expect(denied.code).toBe(403);
      expect(JSON.parse(denied.body)).toMatchObject({
        reason: 'Forbidden',
        message:
          'deployments.apps "web" is forbidden: User "system:serviceaccount:smartspec:bot" cannot patch resource "deployments" in API group "apps" in the namespace "rbac"',
      });
      const bad = await failure(auth.createSelfSubjectAccessReview({ body: { spec: {} } }));
      expect(bad.code).toBe(422);
    } finally {
      emulator.setRbacPolicy(undefined);
    }
  });
});
