// Database rollback as plan steps: back up, migrate down newest first, then the application. The
// second down migration fails here: the run stops, the thread shows why, and the application (the
// Deployments in the cluster) is never touched.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_CATALOG, IMAGE, NAMESPACE, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { click, command, realClusterWrites, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

const FAKE_DB = join(import.meta.dirname, '..', 'fixtures', 'bin', 'fake-db');
let h: Harness;
let dir: string;
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Adds keys (indented four spaces) to the checkout service of the default catalog. */
function withService(keys: string): string {
  return DEFAULT_CATALOG.replace('\n  checkout:\n', `\n  checkout:\n${keys}`);
}

const migration = (id: string) => ({ id, reversible: true, destructive: false, mayLoseData: false });

it('backs up, reverts the newest migration, stops at the second one that fails, and leaves the application untouched', async () => {
  dir = mkdtempSync(join(tmpdir(), 'db-e2e-'));
  const log = join(dir, 'db.log');
  const database = `    database:\n      backup: ["${FAKE_DB}", "--log=${log}", "backup", "{service}", "{runId}"]\n      migrateDown: ["${FAKE_DB}", "--log=${log}", "--fail=20261120_add_orders_v2", "down", "{migration}"]\n      timeoutSeconds: 30\n`;
  h = await startHarness({ catalog: withService(database) });
  await h.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
  await h.recordDeployment({
    id: 'deploy-12345',
    version: 'v1.2.1',
    createdAt: '2026-11-20T10:30:00Z',
    status: 'failed',
    migrations: [migration('20261120_add_orders_v2'), migration('20261120_add_status_index')],
  });

  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  const blocks = JSON.stringify(plan.blocks);
  expect(blocks).toMatch(
    /1\. Back up the database.*2\. Migrate down `20261120_add_status_index`.*3\. Migrate down `20261120_add_orders_v2`.*4\. Roll `checkout-api`/,
  );
  expect(blocks).toContain('before it touches the application');
  // Reversible migrations make it HIGH risk: two approvers, the requester not among them.
  await click(h, plan, 'rollback_approve', USERS.approver);
  await click(h, plan, 'rollback_approve', USERS.second);

  await waitForThread(h, plan, /Step 3 of 5 failed/);
  const backupNote = await waitForThread(h, plan, /database backup/);
  expect(backupNote.text).toContain('backup written to /backups/checkout.dump');
  const failure = await waitForThread(h, plan, /cannot drop column/);
  expect(failure.text ?? JSON.stringify(failure.blocks)).toContain('exit 3');

  // The thread note is posted before the failure is recorded: wait for the recorded status.
  const run = await eventually(
    async () => {
      const view = await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`);
      return view.json.status === 'failed' ? view : undefined;
    },
    10_000,
    'the run recorded as failed',
  );
  expect(run.json.steps.map((s: { status?: string }) => s.status)).toEqual(['done', 'done', 'failed', 'pending', 'pending']);
  const calls = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
  expect(calls).toEqual([
    ['backup', 'checkout', runIdOf(plan)],
    ['down', '20261120_add_status_index'],
    ['down', '20261120_add_orders_v2'],
  ]);
  // The application was never touched: no write reached the cluster, and it still runs the failed version.
  expect(realClusterWrites(h)).toEqual([]);
  expect(JSON.stringify(h.k8s.getDeployment(NAMESPACE, 'checkout-api'))).toContain(IMAGE('checkout-api', 'v1.2.1'));
});
