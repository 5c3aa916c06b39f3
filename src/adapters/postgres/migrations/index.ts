import type { SchemaMigration } from '../../sqlite/migrations/schema-migration.js';
import { initialSchema } from './001-initial.js';
import { webhookEvents } from './002-webhook-events.js';
import { runLeases } from './003-run-leases.js';
import { timelineEntryKeys } from './004-timeline-entry-keys.js';

/**
 * In version order, one for each SQLite migration with the same version and name (a test holds
 * them in step), so `schema version N` means the same tables on both stores and migrate-store can
 * copy between them. A new migration is a new numbered file appended here, never an edit.
 */
export const POSTGRES_MIGRATIONS: readonly SchemaMigration[] = [initialSchema, webhookEvents, runLeases, timelineEntryKeys];
