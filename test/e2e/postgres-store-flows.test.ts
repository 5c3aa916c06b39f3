// The bot with DATABASE_URL: the walking skeleton end to end on PostgreSQL (the rest of the e2e suite
// runs on it with SMARTSPEC_TEST_STORE=postgres), and a restart that keeps everything.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { IMAGE, NAMESPACE, USERS, recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';
import { click, command, realClusterWrites, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
let database: TestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
  h = await startHarness({ failedBehaviour: 'crash', bot: { databaseUrl: database.url } });
  await recordStandardHistory(h);
});
afterEach(async () => {
  await h.close();
  await database.drop();
});

describe('the bot on PostgreSQL', () => {
  it('plans, executes once on approval, verifies and explains; everything is in PostgreSQL, not in a SQLite file', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    const runId = runIdOf(plan);
    expect((await click(h, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    // A second approval click, as a double click would send: recorded once, executed once.
    await click(h, plan, 'rollback_approve', USERS.approver);
    await waitForThread(h, plan, /Verification passed/);
    await waitForThread(h, plan, /Root cause/);
    for (const component of ['checkout-api', 'checkout-worker']) {
      expect(h.k8s.getDeployment(NAMESPACE, component)?.spec?.template?.spec?.containers?.[0]?.image).toBe(IMAGE(component, 'v1.2.0'));
      expect(realClusterWrites(h).filter((r) => r.path.endsWith(`/namespaces/${NAMESPACE}/deployments/${component}`))).toHaveLength(1);
    }

    const store = await PostgresStore.open(database.url);
    try {
      const run = await store.getRun(runId);
      expect(run?.status).toBe('succeeded');
      expect(run?.verification?.phase).toBe('Succeeded');
      expect((await store.timeline(runId)).map((e) => e.type)).toEqual(
        expect.arrayContaining(['requested', 'approved', 'executing', 'verifying', 'succeeded']),
      );
      expect((await store.getDeployment('deploy-12345'))?.status).toBe('rolled_back');
    } finally {
      await store.close();
    }
    expect(existsSync(h.databasePath)).toBe(false);
    expect((await h.api('GET', '/api/v1/rollbacks?service=checkout')).json).toMatchObject({
      runs: [expect.objectContaining({ id: runId, status: 'succeeded' })],
    });
  });

  it('keeps plans, decisions and history across a restart', async () => {
    await command(h, '--failed-deployment-id deploy-12345');
    const plan = await waitForPlan(h);
    await h.restartBot();
    expect((await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.status).toBe('awaiting_approval');
    expect((await click(h, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    await waitForThread(h, plan, /Verification passed/);
    expect((await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.status).toBe('succeeded');
  });
});
