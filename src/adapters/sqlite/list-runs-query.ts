// The audit export's query, kept beside (not inside) the store's statements: one statement whose
// every filter is optional, ordered newest first with the id as tie-breaker so that keyset pages
// neither skip nor repeat a run when several share a creation instant.
import type { Database, Statement } from 'better-sqlite3';
import type { RunFilter } from '../../core/ports.js';
import { toIsoUtc } from './iso-utc.js';

export const MAX_LIST_LIMIT = 500;

export function prepareListRuns(db: Database): Statement {
  return db.prepare(`
    SELECT * FROM runs
    WHERE (@service IS NULL OR service = @service)
      AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
      AND (@since IS NULL OR created_at >= @since)
      AND (@afterCreatedAt IS NULL OR created_at < @afterCreatedAt OR (created_at = @afterCreatedAt AND id < @afterId))
    ORDER BY created_at DESC, id DESC
    LIMIT @limit`);
}

/** Binds a filter; times are normalised to the stored form (ISO UTC with ms) so text order is time order. */
export function listRunsParams(filter: RunFilter) {
  return {
    service: filter.service ?? null,
    statuses: filter.statuses ? JSON.stringify(filter.statuses) : null,
    since: filter.since ? toIsoUtc(filter.since, 'listRuns since') : null,
    afterCreatedAt: filter.after ? toIsoUtc(filter.after.createdAt, 'listRuns cursor') : null,
    afterId: filter.after?.id ?? null,
    limit: Math.min(MAX_LIST_LIMIT, Math.max(0, Math.trunc(filter.limit))),
  };
}
