import type { SchemaMigration } from './schema-migration.js';

// PagerDuty redelivers webhooks; an event id seen once is never acted on twice. Runs are found by the
// incident that triggered them (stored inside the plan JSON), hence the expression index.
export const webhookEvents: SchemaMigration = {
  version: 2,
  name: '002-webhook-events',
  sql: `
CREATE TABLE webhook_events (
  id          TEXT PRIMARY KEY,
  source      TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;
CREATE INDEX runs_by_incident ON runs (json_extract(plan, '$.incident.id'));
`,
};
