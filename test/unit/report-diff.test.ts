import type { V1Container, V1PodSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { diffReplicaSets, evidenceTargets, pickReplicaSets } from '../../src/adapters/kubernetes/template-diff.js';
import { componentDiffLines } from '../../src/core/report/diff-lines.js';
import { compareQuantities, parseQuantity } from '../../src/core/report/quantity.js';
import { releaseDiff } from '../../src/core/report/release-diff.js';
import { makeDeployment, makeRun, makeStep } from '../support/builders.js';

function rs(
  revision: number,
  containers: V1Container[],
  extra: { replicas?: number; annotations?: Record<string, string>; spec?: Partial<V1PodSpec> } = {},
): V1ReplicaSet {
  return {
    metadata: {
      name: `api-${revision}`,
      annotations: {
        'deployment.kubernetes.io/revision': String(revision),
        'deployment.kubernetes.io/desired-replicas': String(extra.replicas ?? 3),
      },
    },
    spec: {
      selector: {},
      template: {
        metadata: { labels: { app: 'api' }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
        spec: { containers, ...extra.spec },
      },
    },
  };
}

const api = (image: string, more: Partial<V1Container> = {}): V1Container => ({ name: 'api', image, ...more });

describe('diffReplicaSets', () => {
  it('names env vars added, removed and changed — and never carries a value', () => {
    const target = rs(4, [
      api('api:v1', {
        env: [
          { name: 'DB_URL', value: 'postgres://u:topsecret@db' },
          { name: 'FLAGS', value: 'a' },
          { name: 'KEEP', value: 'same' },
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } },
        ],
      }),
    ]);
    const failed = rs(5, [
      api('api:v2', {
        env: [
          { name: 'DB_URL', value: 'postgres://u:othersecret@db' },
          { name: 'KEEP', value: 'same' },
          { name: 'NEW', value: 'x' },
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's2', key: 'k' } } },
        ],
      }),
    ]);
    const d = diffReplicaSets('api', target, failed);
    expect(d.env).toEqual({ added: ['NEW'], removed: ['FLAGS'], changed: ['DB_URL', 'FROM_SECRET'] });
    expect(d.images).toEqual([{ container: 'api', field: 'image', target: 'api:v1', failed: 'api:v2' }]);
    expect(d).toMatchObject({ targetRevision: 4, failedRevision: 5 });
    const text = JSON.stringify(d);
    for (const secret of ['topsecret', 'othersecret', 's1', 's2', '"x"', '"a"']) expect(text).not.toContain(secret);
  });

  it('qualifies env names by container when the pod has several', () => {
    const d = diffReplicaSets(
      'api',
      rs(1, [api('a', { env: [{ name: 'X', value: '1' }] }), { name: 'proxy', image: 'p' }]),
      rs(2, [api('a'), { name: 'proxy', image: 'p' }]),
    );
    expect(d.env.removed).toEqual(['api/X']);
  });

  it('compares resources as quantities: 1Gi equals 1024Mi; lowered and added limits are reported', () => {
    const d = diffReplicaSets(
      'api',
      rs(1, [api('a', { resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } } })]),
      rs(2, [api('a', { resources: { requests: { cpu: '250m', memory: '1024Mi' }, limits: { memory: '256Mi', cpu: '500m' } } })]),
    );
    expect(d.resources).toEqual([
      { container: 'api', field: 'limits.cpu', failed: '500m' },
      { container: 'api', field: 'limits.memory', target: '1Gi', failed: '256Mi' },
    ]);
    expect(componentDiffLines(d, false)).toEqual(['api: limits.cpu added none → 500m', 'api: limits.memory lowered 1Gi → 256Mi']);
  });

  it('describes probes that were added, removed or retuned', () => {
    const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 };
    const d = diffReplicaSets(
      'api',
      rs(1, [api('a', { readinessProbe: probe, livenessProbe: { tcpSocket: { port: 8080 } } })]),
      rs(2, [api('a', { readinessProbe: { ...probe, timeoutSeconds: 5 }, startupProbe: { exec: { command: ['cat', '/tmp/ready'] } } })]),
    );
    expect(d.probes).toEqual([
      {
        container: 'api',
        field: 'readinessProbe',
        target: 'HTTP GET /healthz :8080 (delay 0s, period 10s, timeout 1s, failures 3)',
        failed: 'HTTP GET /healthz :8080 (delay 0s, period 10s, timeout 5s, failures 3)',
      },
      { container: 'api', field: 'livenessProbe', target: 'TCP :8080' },
      { container: 'api', field: 'startupProbe', failed: 'exec cat /tmp/ready' },
    ]);
  });

  it('sees config checksum annotations, ConfigMaps and Secrets that came or went, and replicas', () => {
    const d = diffReplicaSets(
      'api',
      rs(1, [api('a', { envFrom: [{ configMapRef: { name: 'flags' } }] })], {
        annotations: { 'checksum/config': 'a'.repeat(64), team: 'x' },
        spec: { volumes: [{ name: 'c', configMap: { name: 'api-config' } }] },
        replicas: 3,
      }),
      rs(2, [api('a')], {
        annotations: { 'checksum/config': 'b'.repeat(64), team: 'y' },
        spec: {
          volumes: [
            { name: 'c', configMap: { name: 'api-config-v2' } },
            { name: 's', secret: { secretName: 'tls' } },
          ],
        },
        replicas: 2,
      }),
    );
    expect(d.configHashes).toEqual([{ field: 'checksum/config', target: 'a'.repeat(64), failed: 'b'.repeat(64) }]);
    expect(d.configRefs).toEqual({ added: ['configMap/api-config-v2', 'secret/tls'], removed: ['configMap/api-config', 'configMap/flags'] });
    expect(d.replicas).toEqual({ target: 3, failed: 2 });
    expect(componentDiffLines(d)).toContain(`api: config checksum checksum/config changed ${'a'.repeat(12)}… → ${'b'.repeat(12)}…`);
  });

  it('reports nothing but the image for an image-only deploy', () => {
    const d = diffReplicaSets('api', rs(1, [api('a:v1')]), rs(2, [api('a:v2')]));
    expect(componentDiffLines(d, false)).toEqual([]);
  });
});

describe('pickReplicaSets', () => {
  const sets = [rs(5, [api('api:v3')]), rs(4, [api('api:v2')]), rs(3, [api('api:v1')])];

  it("compares the failed revision with the plan's target revision", () => {
    const picked = pickReplicaSets(sets, ['api:v3'], { image: 'api:v1', revision: 3 });
    expect([picked.failed?.metadata?.name, picked.target?.metadata?.name]).toEqual(['api-5', 'api-3']);
  });

  it('falls back to the previous revision, as rollout undo would', () => {
    const picked = pickReplicaSets(sets, ['api:v3']);
    expect([picked.failed?.metadata?.name, picked.target?.metadata?.name]).toEqual(['api-5', 'api-4']);
  });

  it('finds no target when the history holds only the failed revision', () => {
    expect(pickReplicaSets([rs(1, [api('api:v3')])], ['api:v3']).target).toBeUndefined();
  });

  it("takes the targets from the plan's rollout steps", () => {
    const run = makeRun({ plan: { steps: [makeStep({ target: { image: 'api:v1', revision: 3 } })] } });
    expect(evidenceTargets(run)).toEqual({ 'checkout-api': { image: 'api:v1', revision: 3 } });
  });
});

describe('releaseDiff', () => {
  it('collects the migrations of every deploy undone, once each, oldest first', () => {
    const target = makeDeployment({ id: 'd1', version: 'v1', createdAt: '2026-11-18T00:00:00Z', migrations: [] });
    const middle = makeDeployment({
      id: 'd2',
      version: 'v2',
      createdAt: '2026-11-19T00:00:00Z',
      migrations: [{ id: 'm1', reversible: true, destructive: false, mayLoseData: false }],
    });
    const failed = makeDeployment({
      id: 'd3',
      version: 'v3',
      createdAt: '2026-11-20T00:00:00Z',
      gitSha: 'bbb',
      migrations: [
        { id: 'm2', reversible: false, destructive: true, mayLoseData: true },
        { id: 'm1', reversible: true, destructive: false, mayLoseData: false },
      ],
    });
    const diff = releaseDiff(failed, { ...target, gitSha: 'aaa' }, [failed, middle]);
    expect(diff.migrations.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(diff).toMatchObject({
      failedVersion: 'v3',
      targetVersion: 'v1',
      failedGitSha: 'bbb',
      targetGitSha: 'aaa',
      failedDeployedAt: '2026-11-20T00:00:00Z',
    });
    expect(diff.images.map((i) => i.container)).toEqual(['checkout-api', 'checkout-worker']);
  });
});

describe('quantities', () => {
  it.each([
    ['256Mi', 268_435_456],
    ['1Gi', 1_073_741_824],
    ['500m', 0.5],
    ['2', 2],
    ['1.5G', 1.5e9],
    ['1e3', 1000],
    ['lots', undefined],
  ])('%s', (q, n) => {
    expect(parseQuantity(q)).toBe(n);
  });

  it('compares across units', () => {
    expect(compareQuantities('512Mi', '128Mi')).toBe(-1);
    expect(compareQuantities('1', '1000m')).toBe(0);
    expect(compareQuantities('250m', '64')).toBe(1);
    expect(compareQuantities('x', '1')).toBeUndefined();
  });
});
