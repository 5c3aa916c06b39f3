// DatabaseStepRunner and the ProviderRouter against a real executable: the catalog's argv templates
// expanded strictly ({migration} included), no shell, the output tail in the result, failures as data.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandProvider } from '../../src/adapters/command/command-provider.js';
import { DatabaseStepRunner } from '../../src/adapters/command/database-step-runner.js';
import { ProviderRouter } from '../../src/adapters/provider-router.js';
import type { DeployProvider } from '../../src/core/ports.js';
import type { Step } from '../../src/core/model.js';
import { makeRun } from '../support/builders.js';
import { makeService } from '../support/services.js';

const FAKE_DB = fileURLToPath(new URL('../fixtures/bin/fake-db', import.meta.url));
const clock = { now: () => new Date() };
const signal = () => new AbortController().signal;
let dir: string;
let log: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'db-steps-'));
  log = join(dir, 'db.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const service = makeService({
  database: { backup: [FAKE_DB, 'backup', '{service}', '{runId}'], migrateDown: [FAKE_DB, 'down', '{migration}'], timeoutSeconds: 30 },
});
const backup: Step = {
  index: 1,
  component: 'database',
  description: 'back up',
  expectedSeconds: 30,
  kind: 'database_backup',
  argv: service.database!.backup,
};
const down = (migration: string, argv = service.database!.migrateDown): Step => ({
  index: 2,
  component: 'database',
  description: `down ${migration}`,
  expectedSeconds: 30,
  kind: 'database_migrate_down',
  migration,
  argv,
});
const run = makeRun({ id: 'rb-db1', status: 'executing' });
const calls = () =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);

function router(env: Record<string, string>) {
  const unused = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('the application provider must not be called for a database step');
      },
    },
  ) as DeployProvider;
  return new ProviderRouter({ kubernetes: unused, helm: unused, command: new CommandProvider({ clock }) }, new DatabaseStepRunner({ clock, env }));
}

describe('database steps through the ProviderRouter', () => {
  it('runs the backup and a down migration with their argv, reporting the output tail', async () => {
    const r = router({ FAKE_DB_LOG: log });
    const b = await r.execute(run, backup, service, signal());
    expect(b).toMatchObject({ index: 1, status: 'done' });
    expect(b.detail).toContain('back up: `');
    expect(b.detail).toContain('backup written to /backups/checkout.dump');
    const d = await r.execute(run, down('m2_add_index'), service, signal());
    expect(d.status).toBe('done');
    expect(d.detail).toContain('migration m2_add_index reverted');
    expect(calls()).toEqual([
      ['backup', 'checkout', 'rb-db1'],
      ['down', 'm2_add_index'],
    ]);
  });

  it('a failing migration is a failed step with its exit code and stderr', async () => {
    const d = await router({ FAKE_DB_LOG: log, FAKE_DB_FAIL: 'm2_add_index' }).execute(run, down('m2_add_index'), service, signal());
    expect(d.status).toBe('failed');
    expect(d.detail).toContain('exit 3');
    expect(d.detail).toContain('cannot drop column "status_v2"');
  });

  it('a migration id is one literal argument, never a shell word', async () => {
    const d = await router({ FAKE_DB_LOG: log }).execute(run, down('m1; rm -rf /'), service, signal());
    expect(d.status).toBe('done');
    expect(calls()).toEqual([['down', 'm1; rm -rf /']]);
  });

  it('refuses an unknown placeholder instead of passing it on', async () => {
    const d = await router({ FAKE_DB_LOG: log }).execute(run, down('m1', [FAKE_DB, 'down', '{migraton}']), service, signal());
    expect(d.status).toBe('failed');
    expect(d.detail).toContain('unknown placeholder {migraton}');
  });

  it('a dry run says what would run and runs nothing', async () => {
    const d = await router({ FAKE_DB_LOG: log }).dryRun(run, down('m2_add_index'), service, signal());
    expect(d.status).toBe('done');
    expect(d.detail).toContain(`would run \`${FAKE_DB} down m2_add_index\``);
    expect(() => readFileSync(log)).toThrow();
  });
});
