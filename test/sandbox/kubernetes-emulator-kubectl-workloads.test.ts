// kubectl (Debian's kubernetes-client) against the emulator's StatefulSets, DaemonSets, the Argo
// Rollout CRD, HTTPRoutes, ConfigMaps and access reviews: the real client is the judge of the emulation.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator, type StatefulSet } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { describeWithTool } from '../support/required-tool.js';

interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

let emulator: KubernetesEmulator;
let dir: string;

function kubectl(path: string, args: string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      path,
      ['--kubeconfig', join(dir, 'kubeconfig.yaml'), '--cache-dir', join(dir, 'cache'), ...args],
      { timeout: 30_000, env: { PATH: process.env['PATH'] ?? '', HOME: dir } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: stdout.toString(), stderr: stderr.toString() }),
    );
  });
}

const rows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

const history = (image: string, versions: string[]) =>
  versions.map((v) => ({ images: { app: `${image}:${v}` }, annotations: { 'kubernetes.io/change-cause': `release ${v}` } }));

describeWithTool(
  { command: 'kubectl', debianPackage: 'kubernetes-client' },
  'kubectl against the emulated workloads and custom resources',
  (kubectlPath) => {
    const run = (...args: string[]) => kubectl(kubectlPath, args);

    beforeAll(async () => {
      emulator = await startKubernetesEmulator({ allowAnonymous: true, tickMs: 5, podStartMs: 20 });
      dir = mkdtempSync(join(tmpdir(), 'kubectl-workloads-'));
      writeFileSync(join(dir, 'kubeconfig.yaml'), emulator.kubeConfigYaml(), { mode: 0o600 });
    });

    afterAll(async () => {
      await emulator?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('lists, undoes and watches a StatefulSet rollout', async () => {
      emulator.seedStatefulSet({
        namespace: 'data',
        name: 'ledger',
        replicas: 3,
        containers: [{ name: 'app', image: 'ledger:v1' }],
        history: history('ledger', ['v1', 'v2', 'v3']),
      });
      const listed = await run('rollout', 'history', 'statefulset/ledger', '-n', 'data');
      expect(listed.stderr).toBe('');
      expect(rows(listed.stdout)).toEqual([
        ['statefulset.apps/ledger'],
        ['REVISION', 'CHANGE-CAUSE'],
        ['1', 'release v1'],
        ['2', 'release v2'],
        ['3', 'release v3'],
      ]);
      const detail = await run('rollout', 'history', 'statefulset/ledger', '-n', 'data', '--revision=1');
      expect(detail.stdout).toContain('Image:\tledger:v1');

      const undo = await run('rollout', 'undo', 'statefulset/ledger', '--to-revision=1', '-n', 'data');
      expect(undo).toMatchObject({ code: 0, stdout: 'statefulset.apps/ledger rolled back\n' });
      expect(emulator.requests).toContainEqual(
        expect.objectContaining({
          method: 'PATCH',
          path: '/apis/apps/v1/namespaces/data/statefulsets/ledger',
          contentType: 'application/strategic-merge-patch+json',
        }),
      );
      const status = await run('rollout', 'status', 'statefulset/ledger', '-n', 'data', '--timeout=30s');
      expect(status.stderr).toBe('');
      expect(status.stdout).toContain('partitioned roll out complete: 3 new pods have been updated...');
      const pods = emulator.listPods('data').filter((p) => p.metadata.name.startsWith('ledger-'));
      expect(pods.map((p) => p.spec.containers[0]?.image)).toEqual(['ledger:v1', 'ledger:v1', 'ledger:v1']);
      const after = await run('rollout', 'history', 'statefulset/ledger', '-n', 'data');
      expect(rows(after.stdout).slice(2)).toEqual([
        ['2', 'release v2'],
        ['3', 'release v3'],
        ['4', 'release v1'],
      ]);
      const again = await run('rollout', 'undo', 'statefulset/ledger', '--to-revision=4', '-n', 'data');
      expect(again.stdout).toContain('skipped rollback (current template already matches revision 4)');
    });

    it('reports a StatefulSet partition and refuses status on OnDelete, as for a real cluster', async () => {
      emulator.seedStatefulSet({
        namespace: 'data',
        name: 'queue',
        replicas: 3,
        containers: [{ name: 'app', image: 'queue:v1' }],
        history: history('queue', ['v1', 'v2']),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
      });
      expect((await run('rollout', 'undo', 'statefulset/queue', '-n', 'data')).code).toBe(0);
      const status = await run('rollout', 'status', 'statefulset/queue', '-n', 'data', '--timeout=30s');
      expect(status.stdout).toContain('partitioned roll out complete: 1 new pods have been updated...');
      const images = Object.fromEntries(
        emulator
          .listPods('data')
          .filter((p) => p.metadata.name.startsWith('queue-'))
          .map((p) => [p.metadata.name, p.spec.containers[0]?.image]),
      );
      expect(images).toEqual({ 'queue-0': 'queue:v2', 'queue-1': 'queue:v2', 'queue-2': 'queue:v1' });
      const set = emulator.getObject<StatefulSet>('statefulsets', 'data', 'queue');
      expect(set?.status?.currentRevision).not.toBe(set?.status?.updateRevision);

      emulator.seedStatefulSet({
        namespace: 'data',
        name: 'cache',
        replicas: 1,
        containers: [{ name: 'app', image: 'cache:v1' }],
        updateStrategy: { type: 'OnDelete' },
      });
      const onDelete = await run('rollout', 'status', 'statefulset/cache', '-n', 'data', '--timeout=5s');
      expect(onDelete.code).not.toBe(0);
      expect(onDelete.stderr).toContain('rollout status is only available for RollingUpdate strategy type');
    });

    it('lists, undoes and watches a DaemonSet rollout, including away from a revision that never became ready', async () => {
      emulator.setImageBehaviour('agent:v3', 'never-ready');
      emulator.seedDaemonSet({
        namespace: 'ops',
        name: 'agent',
        containers: [{ name: 'app', image: 'agent:v1' }],
        history: history('agent', ['v1', 'v2']),
      });
      const set = await run('set', 'image', 'daemonset/agent', 'app=agent:v3', '-n', 'ops');
      expect(set.code).toBe(0);
      const stuck = await run('rollout', 'status', 'daemonset/agent', '-n', 'ops', '--timeout=2s');
      expect(stuck.code).not.toBe(0);
      expect(stuck.stdout).toMatch(/Waiting for daemon set "agent" rollout to finish: \d out of 3 new pods have been updated/);

      const listed = await run('rollout', 'history', 'daemonset/agent', '-n', 'ops');
      expect(rows(listed.stdout).slice(1)).toEqual([
        ['REVISION', 'CHANGE-CAUSE'],
        ['1', 'release v1'],
        ['2', 'release v2'],
        ['3', '<none>'],
      ]);
      const undo = await run('rollout', 'undo', 'daemonset/agent', '--to-revision=2', '-n', 'ops');
      expect(undo).toMatchObject({ code: 0, stdout: 'daemonset.apps/agent rolled back\n' });
      const status = await run('rollout', 'status', 'daemonset/agent', '-n', 'ops', '--timeout=30s');
      expect(status.stdout).toContain('daemon set "agent" successfully rolled out');
      const images = emulator
        .listPods('ops')
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => `${p.spec.nodeName}=${p.spec.containers[0]?.image}`);
      expect(images.sort()).toEqual(['emulator-node-1=agent:v2', 'emulator-node-2=agent:v2', 'emulator-node-3=agent:v2']);
    });

    it('gets Argo Rollouts, HTTPRoutes and ConfigMaps through discovery, and answers auth can-i from the emulated RBAC', async () => {
      emulator.seedRollout({
        namespace: 'shop',
        name: 'web',
        replicas: 2,
        containers: [{ name: 'app', image: 'web:v1' }],
        strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
      });
      emulator.seedObject('httproutes', {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: 'shop' },
        spec: {
          parentRefs: [{ name: 'gw' }],
          rules: [
            {
              backendRefs: [
                { name: 'web-blue', port: 80, weight: 75 },
                { name: 'web-green', port: 80, weight: 25 },
              ],
            },
          ],
        },
      });
      emulator.seedObject('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'web-config', namespace: 'shop' },
        data: { FEATURE_X: 'on' },
      });

      const rollouts = await run('get', 'rollouts.argoproj.io', '-n', 'shop', '-o', 'jsonpath={.items[*].status.phase}');
      expect(rollouts).toMatchObject({ code: 0, stdout: 'Healthy' });
      const short = await run('get', 'ro', 'web', '-n', 'shop', '-o', 'jsonpath={.status.stableRS}={.status.currentPodHash}');
      const [stable, current] = short.stdout.split('=');
      expect(stable).toBe(current);
      const routes = await run('get', 'httproute', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.rules[0].backendRefs[*].weight}');
      expect(routes).toMatchObject({ code: 0, stdout: '75 25' });
      const config = await run('get', 'configmap', 'web-config', '-n', 'shop', '-o', 'jsonpath={.data.FEATURE_X}');
      expect(config.stdout).toBe('on');

      expect((await run('auth', 'can-i', 'patch', 'deployments.apps', '-n', 'shop')).stdout.trim()).toBe('yes');
      emulator.setRbacPolicy({
        user: 'system:serviceaccount:smartspec:bot',
        rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }],
      });
      try {
        const denied = await run('auth', 'can-i', 'patch', 'deployments.apps', '-n', 'shop');
        expect(denied.stdout.trim()).toBe('no');
        expect((await run('auth', 'can-i', 'get', 'deployments.apps', '-n', 'shop')).stdout.trim()).toBe('yes');
        const forbidden = await run('get', 'configmaps', '-n', 'shop');
        expect(forbidden.code).not.toBe(0);
        expect(forbidden.stderr).toContain(
          'User "system:serviceaccount:smartspec:bot" cannot list resource "configmaps" in API group "" in the namespace "shop"',
        );
      } finally {
        emulator.setRbacPolicy(undefined);
      }
    });
  },
);
