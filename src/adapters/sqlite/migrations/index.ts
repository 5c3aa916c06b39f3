import { initialSchema } from './001-initial.js';
import { webhookEvents } from './002-webhook-events.js';
import { runLeases } from './003-run-leases.js';
import { timelineEntryKeys } from './004-timeline-entry-keys.js';
import type { SchemaMigration } from './schema-migration.js';

export type { SchemaMigration } from './schema-migration.js';

/** In version order; a new migration is a new numbered file appended here, never an edit of a shipped one. */
export const SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [initialSchema, webhookEvents, runLeases, timelineEntryKeys];
