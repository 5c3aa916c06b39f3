// A run is its `runs` row plus its approvals and step results. Each read of runs is one statement —
// the children come back as JSON arrays beside each row — so a run is read as of one snapshot in one
// round trip, however many a listing returns. Rows are decoded by the same parsers as SQLite's (the
// columns and their meaning are the same on both stores).
import { z } from 'zod';
import type { Run } from '../../core/model.js';
import { CorruptRowError, decodeRun, decodeRunRow } from '../sqlite/row-decoding.js';

/**
 * A run row's children, as the two JSON columns decodeRuns reads, for the row named `alias`.
 * `steps`: where its step results come from (a subquery named s), when not the table as it is.
 */
export function runChildren(alias: string, steps = `step_results s WHERE s.run_id = ${alias}.id`): string {
  return `(SELECT coalesce(json_agg(json_build_object('user_id', a.user_id, 'at', a.at) ORDER BY a.at, a.seq), '[]')
       FROM approvals a WHERE a.run_id = ${alias}.id) AS approvals_json,
    (SELECT coalesce(json_agg(json_build_object('idx', s.idx, 'status', s.status, 'started_at', s.started_at,
                                                'finished_at', s.finished_at, 'detail', s.detail) ORDER BY s.idx), '[]')
       FROM ${steps}) AS steps_json`;
}

/** `SELECT` this, then `WHERE …` on the runs table. */
export const RUN_SELECT = `
  SELECT runs.*,
    ${runChildren('runs')}
  FROM runs`;

const children = z.object({ id: z.string(), approvals_json: z.string(), steps_json: z.string() });

export function decodeRuns(rows: readonly unknown[]): Run[] {
  return rows.map((raw) => {
    const row = decodeRunRow(raw);
    const parsed = children.safeParse(raw);
    if (!parsed.success) throw new CorruptRowError(`Unreadable children of run ${row.id}: ${z.prettifyError(parsed.error)}`);
    return decodeRun(row, jsonArray(parsed.data.approvals_json), jsonArray(parsed.data.steps_json));
  });
}

export function decodeFirstRun(rows: readonly unknown[]): Run | undefined {
  return decodeRuns(rows.slice(0, 1))[0];
}

function jsonArray(text: string): unknown[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new CorruptRowError("a run's children are not a JSON array");
  return value;
}
