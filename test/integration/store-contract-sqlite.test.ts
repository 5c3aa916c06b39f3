// The Store contract on SQLite: a real file per test, a second store on the same file as a second process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sqlite } from '../../src/adapters/sqlite/driver.js';
import { afterEach, beforeEach } from 'vitest';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { describeStoreContract } from '../support/store-contract/store-contract.js';

let dir: string;
let file: string;
const opened: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-sqlite-'));
  file = join(dir, 'smartspec.db');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('SQLite', {
  open: async () => {
    const store = SqliteStore.open(file);
    opened.push(store);
    return store;
  },
  exec: async (sql) => {
    const db = new Sqlite(file);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  },
});
