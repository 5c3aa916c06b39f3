// The Store contract on a real PostgreSQL server (TEST_DATABASE_URL, or the embedded one the test
// setup starts): a fresh database per test; a second store is a second connection pool, as a
// second replica would have.
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';
import { describeStoreContract } from '../support/store-contract/store-contract.js';

let database: TestDatabase;
const opened: PostgresStore[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await database.drop();
});

describeStoreContract('PostgreSQL', {
  open: async () => {
    const store = await PostgresStore.open(database.url, { max: 4 });
    opened.push(store);
    return store;
  },
  exec: async (sql) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  },
});
