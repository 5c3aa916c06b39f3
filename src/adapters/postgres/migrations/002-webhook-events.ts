import type { SchemaMigration } from '../../sqlite/migrations/schema-migration.js';

// As SQLite's 002: redelivered webhooks are acted on once, across every replica; runs are found by
// the incident that triggered them (inside the plan), hence the expression index.
export const webhookEvents: SchemaMigration = {
  version: 2,
  name: '002-webhook-events',
  sql: `
CREATE TABLE webhook_events (
  id          text COLLATE "C" PRIMARY KEY,
  source      text NOT NULL,
  received_at text NOT NULL
);
CREATE INDEX runs_by_incident ON runs ((plan -> 'incident' ->> 'id'));
`,
};
