// The small statements several store methods share, each inside the caller's transaction.
import type pg from 'pg';
import type { StepResult, TimelineEvent } from '../../core/model.js';
import { pgJson } from './pg-text.js';

export async function requireRun(c: pg.ClientBase, runId: string): Promise<void> {
  if ((await c.query('SELECT 1 FROM runs WHERE id = $1', [runId])).rowCount === 0) throw new Error(`run ${runId} does not exist`);
}

export function mustChange(changes: number | null, runId: string): void {
  if (changes !== 1) throw new Error(`run ${runId} does not exist`);
}

export async function touchRun(c: pg.ClientBase, runId: string, at: string): Promise<void> {
  await c.query('UPDATE runs SET updated_at = greatest(updated_at, $2) WHERE id = $1', [runId, at]);
}

export async function upsertStepResult(c: pg.ClientBase, runId: string, r: StepResult): Promise<void> {
  await c.query(
    `INSERT INTO step_results (run_id, idx, status, started_at, finished_at, detail) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (run_id, idx) DO UPDATE SET
       status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at, detail = excluded.detail`,
    [runId, r.index, r.status, r.startedAt, r.finishedAt ?? null, r.detail],
  );
}

export async function insertTimeline(c: pg.ClientBase, e: TimelineEvent): Promise<void> {
  await c.query('INSERT INTO timeline (run_id, at, actor, type, detail) VALUES ($1, $2, $3, $4, $5)', [
    e.runId,
    e.at,
    pgJson(e.actor),
    e.type,
    e.detail,
  ]);
}

export function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : pgJson(value);
}

/** The constraint a unique violation (23505) hit, if that is what the error is. */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' ? constraint : undefined;
}
