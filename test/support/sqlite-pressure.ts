// Pressure on the bot's SQLite file from a second connection, as another process on the host would
// apply it: hold the write lock (a backup, an operator's sqlite3 shell), or grow the write-ahead log
// past the size the bot may write (with the bot under a file-size limit, the disk is then "full" for it).
import { statSync } from 'node:fs';
import { Sqlite } from '../../src/adapters/sqlite/driver.js';

export interface WriteLock {
  release(): void;
}

/** BEGIN IMMEDIATE on another connection: readers go on, every writer waits for busy_timeout, then fails. */
export function holdWriteLock(databasePath: string): WriteLock {
  const db = new Sqlite(databasePath);
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      db.exec('ROLLBACK');
      db.close();
    },
  };
}

/**
 * Appends to the WAL from this process (not bound by the bot's file-size limit) until it is at least
 * `bytes` long. The rows go to a table of their own that the bot never reads. Automatic checkpoints are
 * off on this connection, and the bot's own happen only past 1,000 pages, so the log only grows: any
 * later write of the bot lands past its limit and fails, as on a full disk.
 */
export function fillWal(databasePath: string, bytes: number): number {
  const db = new Sqlite(databasePath);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE IF NOT EXISTS reliability_padding (id INTEGER PRIMARY KEY, filler TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO reliability_padding (filler) VALUES (?)');
    const filler = 'p'.repeat(64 * 1024);
    while (walSize(databasePath) < bytes) insert.run(filler);
    return walSize(databasePath);
  } finally {
    db.close();
  }
}

/** What freeing disk space does for the bot: the log copied into the database and truncated to zero. */
export function freeWal(databasePath: string): void {
  const db = new Sqlite(databasePath);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export function walSize(databasePath: string): number {
  try {
    return statSync(`${databasePath}-wal`).size;
  } catch {
    return 0;
  }
}
