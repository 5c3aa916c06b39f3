import type { SchemaMigration } from '../../sqlite/migrations/schema-migration.js';

// As SQLite's 003: a run's lease lives on the run row, so a fenced write locks and checks it in the
// same transaction that writes. The fence only ever grows. Periodic jobs are leased by name.
export const runLeases: SchemaMigration = {
  version: 3,
  name: '003-run-leases',
  sql: `
ALTER TABLE runs ADD COLUMN lease_owner text;
ALTER TABLE runs ADD COLUMN lease_fence bigint NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN lease_expires_at text COLLATE "C";
CREATE TABLE job_leases (
  name       text COLLATE "C" PRIMARY KEY,
  owner      text NOT NULL,
  expires_at text COLLATE "C" NOT NULL
);
`,
};
