// What the configuration snapshot reads, over the real client against the emulator: the ConfigMaps
// and Secrets every kind of reference names (volumes, projected volumes, envFrom, env valueFrom, init
// containers), what it skips and why, Secrets only as hashes, and nothing for a version not running.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfigState, snapshotConfig } from '../../src/adapters/kubernetes/config-state.js';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import type { KubernetesTarget } from '../../src/core/service.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { makeDeployment } from '../support/builders.js';

let emulator: KubernetesEmulator;
let clients: ReturnType<KubeClients['for']>;
const NS = 'cfg';
const target: KubernetesTarget = { kind: 'kubernetes', namespace: NS, deployments: ['web'], core: [] };
const image = 'registry.example/web:v1';
const now = new Date('2026-11-20T10:00:00Z');

beforeAll(async () => {
  emulator = await startKubernetesEmulator({ tickMs: 5, podStartMs: 20 });
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeConfigYaml());
  clients = new KubeClients(kc).for();
  const cm = (name: string, data: Record<string, string>) =>
    emulator.seedObject('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data });
  cm('from-env', { A: '1' });
  cm('from-envfrom', { B: '2' });
  cm('from-volume', { 'app.yaml': 'mode: safe' });
  cm('from-projected', { C: '3' });
  cm('huge', { BIG: 'x'.repeat(200) });
  emulator.seedObject('secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: NS },
    data: { password: Buffer.from('hunter2').toString('base64') },
  });
  emulator.seedDeployment({
    namespace: NS,
    name: 'web',
    replicas: 1,
    containers: [
      {
        name: 'web',
        image,
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'from-env', key: 'A' } } },
          { name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        ],
      },
    ],
  });
  // What the seeder does not take as input (envFrom, volumes, init containers) goes in through the API, as kubectl would.
  const patch = {
    spec: {
      template: {
        spec: {
          initContainers: [
            { name: 'init', image: 'busybox', envFrom: [{ configMapRef: { name: 'from-envfrom' } }, { secretRef: { name: 'gone-secret' } }] },
          ],
          volumes: [
            { name: 'cfg', configMap: { name: 'from-volume' } },
            { name: 'big', configMap: { name: 'huge' } },
            { name: 'missing', configMap: { name: 'not-there' } },
            { name: 'proj', projected: { sources: [{ configMap: { name: 'from-projected' } }] } },
          ],
        },
      },
    },
  };
  const response = await fetch(`${emulator.url}/apis/apps/v1/namespaces/${NS}/deployments/web`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/strategic-merge-patch+json' },
    body: JSON.stringify(patch),
  });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await emulator.close();
});

describe('snapshotConfig', () => {
  it('keeps every referenced ConfigMap within maxBytes, says what it skipped, and hashes Secrets', async () => {
    const snapshot = await snapshotConfig(clients, target, makeDeployment({ components: { web: { image } } }), 100, now, AbortSignal.timeout(10_000));
    expect(snapshot).toEqual({
      takenAt: now.toISOString(),
      configMaps: { 'from-env': { A: '1' }, 'from-envfrom': { B: '2' }, 'from-projected': { C: '3' }, 'from-volume': { 'app.yaml': 'mode: safe' } },
      skipped: [
        { name: 'huge', why: expect.stringMatching(/^2\d\d bytes, more than kubernetes\.configSnapshot\.maxBytes 100$/) },
        { name: 'not-there', why: 'it did not exist' },
      ],
      secrets: { db: expect.stringMatching(/^[0-9a-f]{64}$/), 'gone-secret': 'missing' },
    });
    expect(JSON.stringify(snapshot)).not.toContain(Buffer.from('hunter2').toString('base64'));
  });

  it('snapshots nothing for a version the cluster does not run', async () => {
    expect(
      await snapshotConfig(
        clients,
        target,
        makeDeployment({ components: { web: { image: 'registry.example/web:v0' } } }),
        100,
        now,
        AbortSignal.timeout(10_000),
      ),
    ).toBeUndefined();
  });
});

describe('readConfigState', () => {
  it('reads each referenced ConfigMap with its resourceVersion, and the same Secret hash', async () => {
    const state = await readConfigState(clients, target, AbortSignal.timeout(10_000));
    expect(Object.keys(state.configMaps).sort()).toEqual(['from-env', 'from-envfrom', 'from-projected', 'from-volume', 'huge']);
    expect(state.configMaps['from-env']).toEqual({ data: { A: '1' }, resourceVersion: expect.stringMatching(/^\d+$/) });
    const snapshot = await snapshotConfig(clients, target, makeDeployment({ components: { web: { image } } }), 100, now, AbortSignal.timeout(10_000));
    expect(state.secrets).toEqual(snapshot?.secrets);
  });
});
