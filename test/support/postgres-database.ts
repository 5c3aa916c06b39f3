// A fresh, empty PostgreSQL database for a test file or a single test, on the server the global
// setup provides (test/support/postgres-global-setup.ts). Databases are dropped when done so a
// long-lived TEST_DATABASE_URL server does not fill up.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function postgresAdminUrl(): string {
  return inject('postgresAdminUrl');
}

export async function createTestDatabase(adminUrl: string = postgresAdminUrl()): Promise<TestDatabase> {
  const name = `smartspec_test_${randomBytes(6).toString('hex')}`;
  await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // WITH (FORCE): a connection a failed test left open must not keep the database alive.
    drop: () =>
      asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
