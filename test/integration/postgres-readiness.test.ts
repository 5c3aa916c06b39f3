// /readyz on PostgreSQL: a replica whose database refuses connections leaves the Service (and the
// others keep answering), and comes back by itself once the database does.
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { databaseCheck } from '../../src/adapters/http/readiness-checks.js';
import { runReadinessChecks } from '../../src/adapters/http/readiness-routes.js';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { eventually } from '../support/eventually.js';
import { createTestDatabase, postgresAdminUrl, type TestDatabase } from '../support/postgres-database.js';

let database: TestDatabase;
let store: PostgresStore;
let admin: pg.Client;

beforeEach(async () => {
  database = await createTestDatabase();
  store = await PostgresStore.open(database.url, { max: 2, connectTimeoutMs: 2_000 });
  admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
});

afterEach(async () => {
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} WITH ALLOW_CONNECTIONS true`);
  await admin.end();
  await store.close();
  await database.drop();
});

it('reports the database not ready while it refuses connections, and ready again after', async () => {
  const checks = [databaseCheck(store)];
  expect(await runReadinessChecks(checks)).toMatchObject({ status: 'ready', checks: [{ name: 'database', ok: true }] });

  // What a database that is down or failing over looks like to a replica: its connections end, new ones are refused.
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} WITH ALLOW_CONNECTIONS false`);
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
  const down = await runReadinessChecks(checks);
  expect(down).toMatchObject({ status: 'not_ready', checks: [{ name: 'database', ok: false }] });
  expect(down.checks[0]).toHaveProperty('error', expect.stringMatching(/not currently accepting connections|terminat/));

  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database.name)} WITH ALLOW_CONNECTIONS true`);
  // Back by itself: the next probe (at the latest the one after a dead pooled connection was dropped).
  await eventually(async () => (await runReadinessChecks(checks)).status === 'ready', 10_000, 'readiness back');
});
