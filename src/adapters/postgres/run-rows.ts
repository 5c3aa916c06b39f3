// Runs come back as rows of `runs` plus their approvals and step results. They are loaded in one
// snapshot and in three queries however many runs a listing returns, and decoded by the same
// parsers as SQLite's rows (columns and their meaning are the same on both stores).
import type pg from 'pg';
import type { Run } from '../../core/model.js';
import { decodeRun, decodeRunRow } from '../sqlite/row-decoding.js';

export async function loadRuns(client: pg.ClientBase, rows: readonly unknown[]): Promise<Run[]> {
  const decoded = rows.map(decodeRunRow);
  if (decoded.length === 0) return [];
  const ids = decoded.map((row) => row.id);
  const [approvals, steps] = [
    await client.query('SELECT run_id, user_id, at FROM approvals WHERE run_id = ANY($1::text[]) ORDER BY at, seq', [ids]),
    await client.query('SELECT run_id, idx, status, started_at, finished_at, detail FROM step_results WHERE run_id = ANY($1::text[]) ORDER BY idx', [ids]),
  ];
  const approvalsOf = groupByRun(approvals.rows);
  const stepsOf = groupByRun(steps.rows);
  return decoded.map((row) => decodeRun(row, approvalsOf.get(row.id) ?? [], stepsOf.get(row.id) ?? []));
}

export async function loadRun(client: pg.ClientBase, rows: readonly unknown[]): Promise<Run | undefined> {
  return (await loadRuns(client, rows.slice(0, 1)))[0];
}

function groupByRun(rows: readonly unknown[]): Map<string, unknown[]> {
  const groups = new Map<string, unknown[]>();
  for (const row of rows) {
    const runId = (row as { run_id?: unknown }).run_id;
    if (typeof runId !== 'string') continue;
    const group = groups.get(runId);
    if (group) group.push(row);
    else groups.set(runId, [row]);
  }
  return groups;
}
