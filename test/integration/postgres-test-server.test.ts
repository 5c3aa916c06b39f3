// The test PostgreSQL server itself: real, reachable, and one fresh database per caller.
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';

const created: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(created.splice(0).map((db) => db.drop()));
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

it('gives each caller its own empty database on a real PostgreSQL server', async () => {
  const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  created.push(a, b);
  expect(a.name).not.toBe(b.name);
  const [version] = await query(a.url, 'SHOW server_version_num');
  expect(Number((version as { server_version_num: string }).server_version_num)).toBeGreaterThanOrEqual(140000);
  await query(a.url, 'CREATE TABLE only_in_a (x int)');
  expect(await query(a.url, "SELECT to_regclass('only_in_a') IS NOT NULL AS present")).toEqual([{ present: true }]);
  expect(await query(b.url, "SELECT to_regclass('only_in_a') IS NOT NULL AS present")).toEqual([{ present: false }]);
});

it('drops a database even while a connection to it is still open', async () => {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => undefined); // the forced drop ends this connection from the server side
  await client.connect();
  await db.drop();
  const [row] = await query(db.url.replace(`/${db.name}`, '/postgres'), `SELECT count(*)::int AS n FROM pg_database WHERE datname = '${db.name}'`);
  expect(row).toEqual({ n: 0 });
  await client.end().catch(() => undefined);
});
