// PostgreSQL goes away in the middle of a rollback (a restart, a failover) and comes back: nothing
// recorded is lost and the rollback completes, each Deployment written once. This file runs its own
// PostgreSQL server (the embedded binaries) so that halting it disturbs no other test file.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { IMAGE, NAMESPACE, USERS, recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../support/postgres-server.js';
import { click, command, realClusterWrites, runIdOf, waitForPlan, waitForThread } from '../e2e/flow-helpers.js';

let server: EmbeddedServer;
let database: TestDatabase;
let h: Harness;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  database = await createTestDatabase(server.url);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await server?.stop();
});

function rolledOut(component: string): boolean {
  const d = h.k8s.getDeployment(NAMESPACE, component);
  const status = d?.status as { updatedReplicas?: number; availableReplicas?: number } | undefined;
  return (
    d?.spec?.template?.spec?.containers?.[0]?.image === IMAGE(component, 'v1.2.0') &&
    status?.updatedReplicas === d?.spec?.replicas &&
    status?.availableReplicas === d?.spec?.replicas
  );
}

it('loses nothing when PostgreSQL restarts mid-rollout: the run completes, each Deployment written once', async () => {
  h = await startHarness({ failedBehaviour: 'crash', bot: { databaseUrl: database.url } });
  await recordStandardHistory(h);
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  const runId = runIdOf(plan);

  // The moment the bot writes the first Deployment, the database goes down.
  const halted = new Promise<void>((resolve, reject) => {
    let done = false;
    const stop = h.k8s.onChange((c) => {
      if (done || c.resource !== 'deployments' || c.object.metadata.name !== 'checkout-api') return;
      if (
        (c.object.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined)?.template?.spec?.containers?.[0]
          ?.image !== IMAGE('checkout-api', 'v1.2.0')
      )
        return;
      done = true;
      stop();
      server.halt().then(resolve, reject);
    });
  });
  expect((await click(h, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
  await halted;
  // Down while the step finishes in the cluster: recording it has to wait for the database.
  await h.slack.waitFor(() => rolledOut('checkout-api') || undefined, 20_000, 'checkout-api rolled out while the database is down');
  await server.resume();

  await waitForThread(h, plan, /Verification passed/);
  const store = await PostgresStore.open(database.url);
  try {
    const run = await store.getRun(runId);
    expect(run?.status).toBe('succeeded');
    expect(run?.stepResults.map((s) => s.status)).toEqual(['done', 'done']);
    const types = (await store.timeline(runId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['requested', 'approved', 'executing', 'verifying', 'succeeded']));
    expect(types.filter((t) => t === 'step_done')).toHaveLength(2);
    expect(types).not.toContain('interrupted');
  } finally {
    await store.close();
  }
  for (const component of ['checkout-api', 'checkout-worker']) {
    expect(realClusterWrites(h).filter((r) => r.path.endsWith(`/namespaces/${NAMESPACE}/deployments/${component}`))).toHaveLength(1);
  }
}, 90_000);
