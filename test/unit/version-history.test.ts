// One history per version: deployments grouped by what ran (their images), whichever source told the
// bot, with recorded facts winning over the cluster's.
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/model.js';
import { buildVersionHistory, isDiscovered } from '../../src/core/version-history.js';
import { makeDeployment } from '../support/builders.js';

const recorded = (id: string, version: string, createdAt: string, extra: Partial<Deployment> = {}) =>
  makeDeployment({ id, version, createdAt, migrations: [], ...extra });
const discovered = (revision: number, version: string, createdAt: string, components?: Deployment['components']) =>
  makeDeployment({
    id: `checkout@r${revision}`,
    version,
    createdAt,
    status: 'unverified',
    createdBy: 'cluster (ReplicaSet history)',
    migrations: [],
    verification: undefined,
    ...(components ? { components } : {}),
  });

describe('buildVersionHistory', () => {
  it.each([
    {
      name: 'a discovered revision with the images of a recorded deployment is that version; the record names and dates it',
      input: [discovered(1, 'v1.1.0', '2026-11-20T11:00:00.000Z'), recorded('deploy-100', 'v1.1.0', '2026-11-18T09:00:00.000Z')],
      expected: [{ version: 'v1.1.0', representative: 'deploy-100', firstSeenAt: '2026-11-18T09:00:00.000Z', ids: ['checkout@r1', 'deploy-100'] }],
    },
    {
      name: 'a discovered revision that knows only some components still matches on those',
      input: [
        discovered(1, 'v1.1.0', '2026-11-20T11:00:00.000Z', { 'checkout-api': { image: 'registry.example/checkout-api:v1.1.0' } }),
        recorded('deploy-100', 'v1.1.0', '2026-11-18T09:00:00.000Z'),
      ],
      expected: [{ version: 'v1.1.0', representative: 'deploy-100', firstSeenAt: '2026-11-18T09:00:00.000Z', ids: ['checkout@r1', 'deploy-100'] }],
    },
    {
      name: 'the same template under two revision numbers (a rollout undo renumbers it) is one version',
      input: [
        discovered(4, 'v1.2.0', '2026-11-20T09:00:00.000Z'),
        discovered(2, 'v1.2.0', '2026-11-20T09:00:00.000Z'),
        discovered(3, 'v1.2.1', '2026-11-20T10:00:00.000Z'),
      ],
      expected: [
        { version: 'v1.2.1', representative: 'checkout@r3', firstSeenAt: '2026-11-20T10:00:00.000Z', ids: ['checkout@r3'] },
        { version: 'v1.2.0', representative: 'checkout@r4', firstSeenAt: '2026-11-20T09:00:00.000Z', ids: ['checkout@r4', 'checkout@r2'] },
      ],
    },
    {
      name: 'different images are different versions even under one version name',
      input: [
        recorded('deploy-2', 'v2', '2026-11-20T10:00:00.000Z'),
        recorded('deploy-1', 'v2', '2026-11-20T09:00:00.000Z', {
          components: { 'checkout-api': { image: 'registry.example/checkout-api:v2-rebuilt' } },
        }),
      ],
      expected: [
        { version: 'v2', representative: 'deploy-2', firstSeenAt: '2026-11-20T10:00:00.000Z', ids: ['deploy-2'] },
        { version: 'v2', representative: 'deploy-1', firstSeenAt: '2026-11-20T09:00:00.000Z', ids: ['deploy-1'] },
      ],
    },
  ])('$name', ({ input, expected }) => {
    const history = buildVersionHistory(input, []);
    expect(
      history.map((v) => ({
        version: v.version,
        representative: v.representative.id,
        firstSeenAt: v.firstSeenAt,
        ids: v.deployments.map((d) => d.id),
      })),
    ).toEqual(expected);
  });

  it('a redeployed version counts from its first run and sorts by its last', () => {
    const history = buildVersionHistory(
      [
        recorded('deploy-300', 'v1.2.0', '2026-11-20T12:00:00.000Z'),
        recorded('deploy-250', 'v1.2.1', '2026-11-20T10:00:00.000Z', { status: 'failed' }),
        recorded('deploy-200', 'v1.2.0', '2026-11-19T09:00:00.000Z'),
      ],
      [],
    );
    expect(history.map((v) => [v.version, v.firstSeenAt, v.lastSeenAt, v.health])).toEqual([
      ['v1.2.0', '2026-11-19T09:00:00.000Z', '2026-11-20T12:00:00.000Z', 'healthy'],
      ['v1.2.1', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z', 'failed'],
    ]);
  });

  it.each([
    ['checkout@r3', 'cluster (ReplicaSet history)', 'unverified', true],
    ['checkout@r3', 'cluster (Helm release history)', 'succeeded', true],
    ['deploy-3', 'cluster-admin', 'succeeded', false],
    ['checkout@r3', 'ci', 'succeeded', false],
  ] as const)('%s by %s (%s) is discovered: %s', (id, createdBy, status, want) => {
    expect(isDiscovered(makeDeployment({ id, createdBy, status }))).toBe(want);
  });
});
