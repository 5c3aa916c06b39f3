// Deployments as the Store keeps them: one contract, run against every store implementation.
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../src/core/model.js';
import { makeDeployment, makeEvent, makeRun } from '../builders.js';
import type { StoreHarness } from './store-harness.js';

export function describeDeploymentContract(name: string, h: StoreHarness): void {
  describe(`${name}: deployments`, () => {
    it('round-trips a deployment', async () => {
      const store = await h.open();
      const d = makeDeployment();
      expect(await store.saveDeployment(d)).toBe('created');
      expect(await store.getDeployment(d.id)).toEqual(d);
      expect(await store.getDeployment('deploy-unknown')).toBeUndefined();
    });

    it('keeps a configuration snapshot inside the record (no schema of its own) and prunes it with the record', async () => {
      const store = await h.open();
      const config = {
        takenAt: '2026-11-20T10:31:00.000Z',
        configMaps: { 'checkout-config': { MODE: 'stable', 'nested.json': '{"a":[1,2]}' } },
        secrets: { 'checkout-db': 'f'.repeat(64) },
        skipped: [{ name: 'huge', why: 'too large' }],
      };
      const old = makeDeployment({ id: 'deploy-config-old', createdAt: '2026-11-19T10:30:00.000Z', config });
      const d = makeDeployment({ id: 'deploy-config', config });
      await store.saveDeployment(old);
      await store.saveDeployment(d);
      expect((await store.getDeployment(d.id))?.config).toEqual(config);
      expect(await store.saveDeployment({ ...d, config: { ...config, configMaps: {} } })).toBe('conflict');
      await store.pruneDeployments(d.service, d.environment, 1);
      expect(await store.getDeployment(old.id)).toBeUndefined();
      expect((await store.getDeployment(d.id))?.config).toEqual(config);
    });

    it('says identical for the same body again, whatever its key order or timestamp spelling', async () => {
      const store = await h.open();
      const d = makeDeployment({ createdAt: '2026-11-20T11:30:00+01:00' });
      expect(await store.saveDeployment(d)).toBe('created');
      const sameButReordered: Deployment = {
        verification: { performance: true, security: true, acceptance: true, smoke: true },
        migrations: d.migrations.map(({ mayLoseData, destructive, reversible, id }) => ({ mayLoseData, destructive, reversible, id })),
        components: Object.fromEntries(
          Object.entries(d.components)
            .reverse()
            .map(([name, { replicas, image }]) => [name, { replicas, image }]),
        ),
        createdBy: d.createdBy,
        createdAt: '2026-11-20T10:30:00Z',
        status: d.status,
        gitSha: d.gitSha,
        version: d.version,
        environment: d.environment,
        service: d.service,
        id: d.id,
      };
      expect(JSON.stringify(sameButReordered)).not.toBe(JSON.stringify(d));
      expect(await store.saveDeployment(sameButReordered)).toBe('identical');
      expect((await store.getDeployment(d.id))?.createdAt).toBe('2026-11-20T10:30:00.000Z');
    });

    it('says conflict for a different body under the same id and writes nothing', async () => {
      const store = await h.open();
      const d = makeDeployment();
      await store.saveDeployment(d);
      expect(await store.saveDeployment({ ...d, version: 'v9.9.9' })).toBe('conflict');
      expect(await store.saveDeployment({ ...d, components: {} })).toBe('conflict');
      expect(await store.getDeployment(d.id)).toEqual(d);
      expect(await store.listDeployments(d.service, d.environment, 10)).toEqual([d]);
    });

    it('rejects a createdAt that is not a timestamp', async () => {
      const store = await h.open();
      await expect(store.saveDeployment(makeDeployment({ createdAt: 'yesterday' }))).rejects.toThrow(/createdAt is not a valid timestamp/);
      expect(await store.getDeployment('deploy-12345')).toBeUndefined();
    });

    it('lists newest first, for one service and environment, up to the limit', async () => {
      const store = await h.open();
      const times = ['2026-11-20T09:00:00.000Z', '2026-11-20T12:00:00.000Z', '2026-11-19T23:00:00.000Z', '2026-11-20T10:00:00.000Z'];
      for (const [i, createdAt] of times.entries()) await store.saveDeployment(makeDeployment({ id: `d-${i}`, version: `v1.${i}`, createdAt }));
      await store.saveDeployment(makeDeployment({ id: 'other-service', service: 'search', createdAt: '2026-11-21T00:00:00.000Z' }));
      await store.saveDeployment(makeDeployment({ id: 'other-env', environment: 'staging', createdAt: '2026-11-21T00:00:00.000Z' }));
      // An offset that sorts wrongly as text must still sort by instant once stored.
      await store.saveDeployment(makeDeployment({ id: 'offset', createdAt: '2026-11-20T12:30:00+02:00' }));

      const all = await store.listDeployments('checkout', 'production', 100);
      expect(all.map((d) => d.id)).toEqual(['d-1', 'offset', 'd-3', 'd-0', 'd-2']);
      expect((await store.listDeployments('checkout', 'production', 2)).map((d) => d.id)).toEqual(['d-1', 'offset']);
      expect(await store.listDeployments('checkout', 'nowhere', 10)).toEqual([]);
    });

    it('marks a deployment rolled back without changing what counts as its recorded body', async () => {
      const store = await h.open();
      const d = makeDeployment({ status: 'succeeded' });
      await store.saveDeployment(d);
      await store.createRun(makeRun(), makeEvent());
      await store.markRolledBack(d.id, 'run-1');
      expect((await store.getDeployment(d.id))?.status).toBe('rolled_back');
      expect((await store.listDeployments(d.service, d.environment, 1))[0]?.status).toBe('rolled_back');
      expect(await store.saveDeployment(d)).toBe('identical');
      await expect(store.markRolledBack(d.id, 'run-unknown')).rejects.toThrow(/run run-unknown does not exist/);
    });
  });
}
