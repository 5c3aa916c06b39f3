import type { SchemaMigration } from './schema-migration.js';

// A key per timeline entry, unique where set. PostgreSQL's store sets it on the writes it sends as
// one statement without BEGIN/COMMIT, so that after a connection broke mid-flight it can tell whether
// the write committed (postgres/one-statement.ts). SQLite writes in process and never needs to ask;
// the column is here so both stores keep the same tables (migrate-store copies between them).
export const timelineEntryKeys: SchemaMigration = {
  version: 4,
  name: '004-timeline-entry-keys',
  sql: `
ALTER TABLE timeline ADD COLUMN entry_key TEXT;
CREATE UNIQUE INDEX timeline_by_entry_key ON timeline (entry_key);
`,
};
