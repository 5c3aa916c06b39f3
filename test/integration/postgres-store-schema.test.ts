// What only the PostgreSQL store has to prove: migrations across replicas starting together, the
// database refusing to lose the audit trail even to TRUNCATE, riding out a server that drops its
// connections, and TLS settings taken from the URL.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPool, describeDatabase } from '../../src/adapters/postgres/create-pool.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { POSTGRES_MIGRATIONS } from '../../src/adapters/postgres/migrations/index.js';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { SchemaTooNewError } from '../../src/adapters/sqlite/migrate.js';
import { SCHEMA_MIGRATIONS } from '../../src/adapters/sqlite/migrations/index.js';
import { makeEvent, makeRun } from '../support/builders.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';

let database: TestDatabase;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await database.drop();
});

async function open(url = database.url): Promise<PostgresStore> {
  const store = await PostgresStore.open(url, { max: 3 });
  cleanups.push(() => store.close());
  return store;
}

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: database.url });
  await c.connect();
  cleanups.push(() => c.end());
  return c;
}

const LATEST = SCHEMA_MIGRATIONS.at(-1)?.version;

describe('migrations', () => {
  it("mirror SQLite's, version for version and name for name", () => {
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(SCHEMA_MIGRATIONS.map((m) => [m.version, m.name]));
  });

  it('are applied exactly once when several replicas start at the same moment', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, () => open()));
    for (const store of stores) expect(await store.schemaVersion()).toBe(LATEST);
    const rows = await (await client()).query('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    // And a store opened later applies nothing and keeps the data.
    await stores[0]!.createRun(makeRun(), makeEvent());
    expect((await (await open()).getRun('run-1'))?.id).toBe('run-1');
  });

  it('refuse a database written by a newer build, naming the database but never the password', async () => {
    await open();
    await (await client()).query(`INSERT INTO schema_migrations (version, name) VALUES (99, '099-future')`);
    const password = decodeURIComponent(new URL(database.url).password);
    const error = await PostgresStore.open(database.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect(String((error as Error).message)).toContain(
      `${describeDatabase(database.url)} has schema version 99, but this build of smartspec-rollback supports versions up to ${LATEST}`,
    );
    expect(String((error as Error).message)).not.toContain(password);
  });

  it('roll back together when one fails, leaving the previous version', async () => {
    const c = await client();
    const broken = { version: 2, name: '002-broken', sql: 'CREATE TABLE extra (a text); SELECT nonsense FROM nowhere;' };
    await expect(migrate(c, 'the test database', [POSTGRES_MIGRATIONS[0]!, broken])).rejects.toThrow(
      /Migration 002-broken failed on the test database: relation "nowhere" does not exist/,
    );
    const tables = await c.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('runs', 'extra', 'schema_migrations')`,
    );
    expect(tables.rows).toEqual([{ n: 0 }]);
  });
});

describe('the audit trail', () => {
  it('survives TRUNCATE, which skips row triggers', async () => {
    const store = await open();
    await store.createRun(makeRun(), makeEvent());
    const c = await client();
    await expect(c.query('TRUNCATE timeline')).rejects.toThrow(/never deleted/);
    await expect(c.query('TRUNCATE runs CASCADE')).rejects.toThrow(/never deleted/);
    expect(await store.timeline('run-1')).toEqual([makeEvent()]);
  });
});

describe('connections', () => {
  it('rides out the server ending every connection (a restart, a failover) without losing a write', async () => {
    const store = await open();
    await store.createRun(makeRun(), makeEvent());
    expect(await store.getRun('run-1')).toBeDefined(); // the pool now holds an idle connection
    const admin = await client();
    const ended = await admin.query(
      `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'smartspec-rollback') AS t`,
    );
    expect(ended.rows[0].n).toBeGreaterThan(0);
    expect(await store.transition('run-1', ['awaiting_approval'], 'approved', makeEvent({ type: 'approved' }))).toMatchObject({ status: 'approved' });
    expect((await store.timeline('run-1')).map((e) => e.type)).toEqual(['requested', 'approved']);
  });

  it('ends a transaction a paused replica left open, so its row locks do not block the other replicas', async () => {
    const store = await open();
    await store.createRun(makeRun({ status: 'approved' }), makeEvent());
    // A replica's pool, stopped (SIGSTOP, a GC pause) in the middle of a fenced write: the run row is locked.
    const paused = createPool(database.url, { max: 1, idleInTransactionTimeoutMs: 300, onIdleError: () => undefined });
    cleanups.push(() => paused.end());
    const client = await paused.connect();
    client.on('error', () => undefined); // the server ends this session; that is the point
    await client.query('BEGIN');
    await client.query(`SELECT lease_fence FROM runs WHERE id = 'run-1' FOR UPDATE`);
    // The claim waits for the lock, then wins once the server has ended the idle transaction.
    const lease = await store.claimRun('run-1', 'replica-b', '2026-11-20T10:00:00.000Z', 15_000);
    expect(lease).toMatchObject({ owner: 'replica-b', fence: 1 });
    client.release(true);
  });

  it('takes TLS settings from the URL: sslmode=verify-full refuses a server without TLS', async () => {
    const url = new URL(database.url);
    url.searchParams.set('sslmode', 'verify-full');
    await expect(PostgresStore.open(url.toString())).rejects.toThrow(
      /Cannot connect to PostgreSQL database smartspec_test_\w+ on 127\.0\.0\.1:\d+: The server does not support SSL connections/,
    );
  });

  it('says which database it could not reach, without the password', async () => {
    const url = new URL(database.url);
    url.port = '1';
    const error = (await PostgresStore.open(url.toString(), { connectTimeoutMs: 2_000 }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^Cannot connect to PostgreSQL database smartspec_test_\w+ on 127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(error.message).not.toContain(url.password);
  });
});
