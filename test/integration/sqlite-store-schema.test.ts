import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { Sqlite } from '../../src/adapters/sqlite/driver.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, SchemaTooNewError } from '../../src/adapters/sqlite/migrate.js';
import { initialSchema } from '../../src/adapters/sqlite/migrations/001-initial.js';
import { SCHEMA_MIGRATIONS } from '../../src/adapters/sqlite/migrations/index.js';
import { openDatabase, PAGE_CACHE_KIB } from '../../src/adapters/sqlite/open-database.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { makeDeployment, makeEvent, makeRun } from '../support/builders.js';

let dir: string;
let file: string;
const cleanups: Array<() => unknown> = [];

function open(path = file, opts?: { busyTimeoutMs?: number }): SqliteStore {
  const store = SqliteStore.open(path, opts);
  cleanups.push(() => store.close());
  return store;
}

function raw(path = file): Database {
  const db = new Sqlite(path);
  cleanups.push(() => db.close());
  return db;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-sqlite-'));
  file = join(dir, 'smartspec.db');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const LATEST = SCHEMA_MIGRATIONS.at(-1)?.version;

describe('opening', () => {
  it('creates the missing directory, applies the migrations and turns WAL on', async () => {
    const nested = join(dir, 'a', 'b', 'smartspec.db');
    const store = open(nested);
    expect(existsSync(nested)).toBe(true);
    expect(await store.schemaVersion()).toBe(LATEST);
    const db = raw(nested);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['approvals', 'deployments', 'job_leases', 'runs', 'step_results', 'timeline', 'webhook_events']);
  });

  it('copies the log back into the file every 100 pages, so no single commit waits for a long checkpoint', async () => {
    const store = open();
    // About 600 pages of records, each commit small: with SQLite's default (1,000 pages) the log
    // would hold them all; checkpointed every 100 pages it stays near 100 pages long.
    const createdBy = 'c'.repeat(2_000);
    for (let i = 0; i < 1_200; i++) await store.saveDeployment(makeDeployment({ id: `deploy-${i}`, createdBy }));
    const pageSize = raw().pragma('page_size', { simple: true }) as number;
    expect(statSync(`${file}-wal`).size).toBeLessThan(250 * (pageSize + 24));
    expect(statSync(file).size).toBeGreaterThan(500 * pageSize);
  });

  it("caps SQLite's page cache at 4 MiB instead of better-sqlite3's 16 MB, so the bot's memory does not creep with the database", () => {
    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBe(4096);
  });

  it('re-opening is a no-op that keeps the data', async () => {
    const first = open();
    await first.saveDeployment(makeDeployment());
    await first.createRun(makeRun(), makeEvent());
    await first.close();
    const second = open();
    expect(await second.schemaVersion()).toBe(LATEST);
    expect(await second.getDeployment('deploy-12345')).toEqual(makeDeployment());
    expect((await second.getRun('run-1'))?.status).toBe('awaiting_approval');
  });

  it('works in memory for tests', async () => {
    const store = open(':memory:');
    expect(await store.saveDeployment(makeDeployment())).toBe('created');
    expect(await store.schemaVersion()).toBe(LATEST);
  });

  it('refuses a database written by a newer build, naming the file and both versions', () => {
    open();
    raw().pragma('user_version = 99');
    expect(() => SqliteStore.open(file)).toThrow(SchemaTooNewError);
    expect(() => SqliteStore.open(file)).toThrow(
      `Database ${file} has schema version 99, but this build of smartspec-rollback supports versions up to ${LATEST}`,
    );
  });

  it('gives up on a write lock after busyTimeoutMs instead of hanging', async () => {
    const store = open(file, { busyTimeoutMs: 50 });
    await store.createRun(makeRun(), makeEvent());
    const other = raw();
    other.exec('BEGIN IMMEDIATE');
    await expect(store.transition('run-1', ['awaiting_approval'], 'approved', makeEvent())).rejects.toThrow(/database is locked/);
    other.exec('ROLLBACK');
    expect(await store.transition('run-1', ['awaiting_approval'], 'approved', makeEvent())).toMatchObject({ status: 'approved' });
  });
});

describe('migrations', () => {
  it('are numbered from 1 without gaps', () => {
    expect(SCHEMA_MIGRATIONS.map((m) => m.version)).toEqual(SCHEMA_MIGRATIONS.map((_, i) => i + 1));
  });

  it('roll back together when one fails, leaving the previous version', () => {
    const db = raw();
    const broken = { version: 2, name: '002-broken', sql: 'CREATE TABLE extra (a TEXT); SELECT nonsense FROM nowhere;' };
    expect(() => migrate(db, file, [initialSchema, broken])).toThrow(/Migration 002-broken failed on .*smartspec\.db: no such table: nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get()).toBe(0);
  });

  it('apply only what is pending', () => {
    const db = raw();
    expect(migrate(db, file, [initialSchema])).toBe(1);
    const next = { version: 2, name: '002-extra', sql: 'CREATE TABLE extra (a TEXT) STRICT;' };
    expect(migrate(db, file, [initialSchema, next])).toBe(2);
    expect(migrate(db, file, [initialSchema, next])).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('refuse a list with a gap', () => {
    const db = raw();
    expect(() => migrate(db, file, [{ ...initialSchema, version: 2 }])).toThrow(/numbered 1, 2, 3/);
  });
});

describe('stored data', () => {
  it('reports a corrupt row clearly instead of returning garbage', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    const db = raw();
    db.prepare(`UPDATE runs SET plan = json_set(plan, '$.steps[0].index', 'one') WHERE id = 'run-1'`).run();
    await expect(store.getRun('run-1')).rejects.toThrow(/Unreadable plan in runs run-1: .*steps\[0\]\.index/s);
    db.prepare(`UPDATE runs SET status = 'bogus' WHERE id = 'run-1'`).run();
    await expect(store.getRun('run-1')).rejects.toThrow(/Unreadable row in runs run-1: .*status/s);
  });

  it('refuses JSON columns that are not JSON at write time', async () => {
    const store = open();
    await store.saveDeployment(makeDeployment());
    expect(() => raw().prepare(`UPDATE deployments SET body = 'not json'`).run()).toThrow(/CHECK constraint failed/);
  });

  it('never deletes runs or timeline events', async () => {
    const store = open();
    await store.createRun(makeRun(), makeEvent());
    const db = raw();
    expect(() => db.prepare('DELETE FROM timeline').run()).toThrow(/never deleted/);
    expect(() => db.prepare(`UPDATE timeline SET detail = 'rewritten'`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM runs').run()).toThrow(/never deleted/);
    expect(await store.timeline('run-1')).toEqual([makeEvent()]);
  });
});
