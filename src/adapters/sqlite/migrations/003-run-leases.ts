import type { SchemaMigration } from './schema-migration.js';

// The run coordinator's leases. A run's lease is three columns on the run itself, so a fenced write
// checks it in the same statement that writes; the fence only ever grows (a stale owner's fence can
// never match again). Periodic jobs (expiry, reminders, retention) are leased by name the same way.
export const runLeases: SchemaMigration = {
  version: 3,
  name: '003-run-leases',
  sql: `
ALTER TABLE runs ADD COLUMN lease_owner TEXT;
ALTER TABLE runs ADD COLUMN lease_fence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
CREATE TABLE job_leases (
  name       TEXT PRIMARY KEY,
  owner      TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;
`,
};
