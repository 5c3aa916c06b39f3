// Catalog keys of issue 17 for other workloads: kubernetes.statefulSets, daemonSets, rollouts and
// progressDeadlineSeconds; each bad input refused with the key named.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { ConfigError } from '../../src/config/config-error.js';
import { componentsOf } from '../../src/core/service.js';

const catalog = (kubernetes: string) => `
services:
  ledger:
    kubernetes: { namespace: data, ${kubernetes} }
    approvals: { approvers: [U01AAAA] }
`;

function configError(text: string): string {
  try {
    parseCatalog(text, 'smartspec.yml');
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('catalog workload keys', () => {
  it('makes StatefulSets, DaemonSets and Rollouts components of their kind, after the Deployments', () => {
    const service = parseCatalog(
      catalog('deployments: [api], statefulSets: [db], daemonSets: [agent], rollouts: [web], core: [db], progressDeadlineSeconds: 120'),
      'smartspec.yml',
    ).services.get('ledger')!;
    expect(service.target).toMatchObject({
      kind: 'kubernetes',
      deployments: ['api'],
      core: ['db'],
      progressDeadlineSeconds: 120,
      workloads: [
        { name: 'db', kind: 'StatefulSet' },
        { name: 'agent', kind: 'DaemonSet' },
        { name: 'web', kind: 'Rollout' },
      ],
    });
    expect(componentsOf(service)).toEqual(['api', 'db', 'agent', 'web']);
  });

  it('accepts a service of StatefulSets only, and keeps a Deployments-only target as it was', () => {
    expect(componentsOf(parseCatalog(catalog('statefulSets: [db]'), 'smartspec.yml').services.get('ledger')!)).toEqual(['db']);
    const plain = parseCatalog(catalog('deployments: [api]'), 'smartspec.yml').services.get('ledger')!;
    expect(plain.target).toEqual({ kind: 'kubernetes', namespace: 'data', deployments: ['api'], core: [] });
  });

  it.each([
    [
      'no component at all',
      'core: []',
      'services.ledger.kubernetes.deployments: must list at least one Deployment (or statefulSets, daemonSets, rollouts)',
    ],
    ['a name in two lists', 'deployments: [db], statefulSets: [db]', 'names db twice'],
    [
      'blue-green with a StatefulSet',
      'deployments: [blue, green], statefulSets: [db], blueGreen: { service: web, label: slot }',
      'works with two Deployments only',
    ],
    [
      'a core component that is no workload',
      'rollouts: [web], core: [api]',
      'names api, which is not in kubernetes.deployments (or statefulSets, daemonSets, rollouts)',
    ],
    ['a bad object name', 'daemonSets: [Agent_1]', 'services.ledger.kubernetes.daemonSets.0: must be a Kubernetes object name'],
    ['a zero progress deadline', 'statefulSets: [db], progressDeadlineSeconds: 0', 'services.ledger.kubernetes.progressDeadlineSeconds'],
  ])('refuses %s, naming the key', (_name, kubernetes, message) => {
    expect(configError(catalog(kubernetes))).toContain(message);
  });
});
