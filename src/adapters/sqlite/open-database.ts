// One configured connection. The pragmas are per connection (WAL is also persisted in the file).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from 'better-sqlite3';
import { Sqlite } from './driver.js';

export interface OpenOptions {
  /** How long a write waits for another connection's write lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(path: string, opts: OpenOptions = {}): Database {
  if (!isInMemory(path)) mkdirSync(dirname(path), { recursive: true });
  const db = new Sqlite(path);
  try {
    // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isInMemory(path: string): boolean {
  return path === ':memory:' || path === '' || path.startsWith('file:');
}
