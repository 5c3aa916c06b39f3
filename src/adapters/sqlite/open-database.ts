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
export const WAL_CHECKPOINT_PAGES = 100;
/**
 * SQLite's page cache per connection, in KiB. better-sqlite3 builds SQLite with 16 MB
 * (SQLITE_DEFAULT_CACHE_SIZE=-16000): the bot's resident memory then creeps up by that much as the
 * database grows (measured: +6.6 MB of native heap over 1,000 rollbacks, still filling at 1,500),
 * which a pod sized to its heap pays for. The store's reads are index lookups on a few pages; what
 * the cache does not hold comes from the kernel's file cache.
 */
export const PAGE_CACHE_KIB = 4096;

export function openDatabase(path: string, opts: OpenOptions = {}): Database {
  if (!isInMemory(path)) mkdirSync(dirname(path), { recursive: true });
  const db = new Sqlite(path);
  try {
    // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    // SQLite copies the log back into the file from the connection whose commit passed this many
    // pages, on the calling thread: with the default 1,000 that commit (every few dozen rollbacks:
    // an approval, a step's record) blocked the event loop ~15–20 ms for the copy and its fsync
    // (measured here: about 15 µs a page). At 100 pages each checkpoint takes ~2 ms instead; the
    // total work is the same, but no click waits 20 ms for it.
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isInMemory(path: string): boolean {
  return path === ':memory:' || path === '' || path.startsWith('file:');
}
