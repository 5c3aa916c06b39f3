import type { SchemaMigration } from '../../sqlite/migrations/schema-migration.js';

// As SQLite's 004: a key per timeline entry, unique where set (NULLs are distinct). A write sent as one
// statement without BEGIN/COMMIT records its entry under a fresh key; when the connection breaks
// mid-flight, whether that key is in the table says whether the write committed (one-statement.ts).
export const timelineEntryKeys: SchemaMigration = {
  version: 4,
  name: '004-timeline-entry-keys',
  sql: `
ALTER TABLE timeline ADD COLUMN entry_key text COLLATE "C";
CREATE UNIQUE INDEX timeline_by_entry_key ON timeline (entry_key);
`,
};
