import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';

let emulator: KubernetesEmulator;
let apps: AppsV1Api;
let core: CoreV1Api;

const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function seed(namespace: string): void {
  emulator.seedDeployment({
    namespace,
    name: 'web',
    replicas: 1,
    annotations: { owner: 'team-a', 'kubernetes.io/change-cause': 'initial' },
    containers: [
      {
        name: 'app',
        image: 'web:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 8080, name: 'http' }],
      },
      { name: 'sidecar', image: 'proxy:1' },
    ],
  });
}

function patch(namespace: string, body: unknown, options?: ReturnType<typeof setHeaderOptions>) {
  return apps.patchNamespacedDeployment({ name: 'web', namespace, body }, options);
}

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  apps = kc.makeApiClient(AppsV1Api);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await emulator.close();
});

describe('Kubernetes emulator patch semantics', () => {
  it('strategic merge patch merges containers, env and ports by key and honours $patch directives', async () => {
    seed('smp');
    const merged = await patch(
      'smp',
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'app',
                  env: [
                    { name: 'B', value: '20' },
                    { name: 'C', value: '3' },
                  ],
                },
              ],
            },
          },
        },
      },
      strategic,
    );
    const containers = merged.spec?.template?.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ['app', 'web:1'],
      ['sidecar', 'proxy:1'],
    ]);
    expect(containers[0]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '20' },
      { name: 'C', value: '3' },
    ]);

    const deleted = await patch(
      'smp',
      {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'sidecar', $patch: 'delete' },
                { name: 'app', env: [{ name: 'A', $patch: 'delete' }] },
              ],
            },
          },
        },
      },
      strategic,
    );
    expect(deleted.spec?.template?.spec?.containers.map((c) => c.name)).toEqual(['app']);
    expect(deleted.spec?.template?.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(['B', 'C']);

    const replaced = await patch(
      'smp',
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2', env: [{ name: 'ONLY', value: 'x' }, { $patch: 'replace' }] }] } } } },
      strategic,
    );
    expect(replaced.spec?.template?.spec?.containers[0]?.env).toEqual([{ name: 'ONLY', value: 'x' }]);
    expect(replaced.spec?.template?.spec?.containers[0]?.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);

    const retained = await patch('smp', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, strategic);
    expect(retained.spec?.strategy).toEqual({ type: 'Recreate' });
    await emulator.waitForRolloutComplete('smp', 'web', 5000);
  });

  it('merge patch replaces lists and deletes keys set to null', async () => {
    seed('merge');
    const result = await patch(
      'merge',
      { metadata: { annotations: { owner: null } }, spec: { template: { spec: { containers: [{ name: 'app', image: 'web:3' }] } } } },
      merge,
    );
    expect(result.metadata?.annotations?.['owner']).toBeUndefined();
    expect(result.metadata?.annotations?.['kubernetes.io/change-cause']).toBe('initial');
    expect(result.spec?.template?.spec?.containers.map((c) => c.name)).toEqual(['app']);
    expect(result.spec?.template?.spec?.containers[0]?.env).toBeUndefined();
  });

  it('JSON patch supports add, remove, move, copy and test, and fails atomically', async () => {
    seed('jsonpatch');
    const result = await patch('jsonpatch', [
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'copy', from: '/metadata/labels/tier', path: '/metadata/annotations/tier' },
      { op: 'move', from: '/metadata/annotations/owner', path: '/metadata/annotations/team' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'D', value: '4' } },
    ]);
    expect(result.metadata?.labels).toEqual({ app: 'web', tier: 'web' });
    expect(result.metadata?.annotations).toMatchObject({ tier: 'web', team: 'team-a' });
    expect(result.metadata?.annotations?.['owner']).toBeUndefined();
    expect(result.spec?.template?.spec?.containers.map((c) => c.name)).toEqual(['app']);
    expect(result.spec?.template?.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'B', 'D']);

    const failure = await patch('jsonpatch', [
      { op: 'replace', path: '/spec/replicas', value: 7 },
      { op: 'remove', path: '/metadata/annotations/missing' },
    ]).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApiException);
    expect((failure as ApiException<string>).code).toBe(422);
    // The controller keeps writing status, so check the patched field rather than the resourceVersion.
    expect(emulator.getDeployment('jsonpatch', 'web')?.spec.replicas).toBe(1);
  });

  it('refuses patches that would make the object invalid or change immutable fields', async () => {
    seed('invalid');
    const selector = await patch('invalid', { spec: { selector: { matchLabels: { app: 'other' } } } }, merge).catch((err: unknown) => err);
    expect((selector as ApiException<string>).code).toBe(422);
    expect((selector as ApiException<string>).body).toContain('field is immutable');
    const noImage = await patch('invalid', [{ op: 'remove', path: '/spec/template/spec/containers/0/image' }]).catch((err: unknown) => err);
    expect((noImage as ApiException<string>).code).toBe(422);
    const rename = await patch('invalid', { metadata: { name: 'other' } }, merge).catch((err: unknown) => err);
    expect((rename as ApiException<string>).code).toBe(400);
    const pods = await core.listNamespacedPod({ namespace: 'invalid' });
    expect(pods.items).toHaveLength(1);
  });
});
