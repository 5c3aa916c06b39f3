// Reads the bot's SQLite file from outside the bot, read-only, as an operator with the sqlite3 shell
// would: WAL lets a reader see the last commit while the bot (or a killed bot's leftovers) holds it.
import { Sqlite } from '../../src/adapters/sqlite/driver.js';

export interface RunRow {
  id: string;
  status: string;
  service: string;
  messageTs: string | null;
  timeline: Array<{ type: string; detail: string }>;
  approvals: string[];
  steps: Array<{ index: number; status: string }>;
}

export function peekRuns(databasePath: string): RunRow[] {
  const db = new Sqlite(databasePath, { readonly: true, fileMustExist: true });
  try {
    const runs = db.prepare('SELECT id, status, service, message_ts AS messageTs FROM runs ORDER BY created_at, id').all() as Array<
      Omit<RunRow, 'timeline' | 'approvals' | 'steps'>
    >;
    const timeline = db.prepare('SELECT type, detail FROM timeline WHERE run_id = ? ORDER BY id');
    const approvals = db.prepare('SELECT user_id AS userId FROM approvals WHERE run_id = ? ORDER BY at, user_id');
    const steps = db.prepare('SELECT idx AS "index", status FROM step_results WHERE run_id = ? ORDER BY idx');
    return runs.map((r) => ({
      ...r,
      timeline: timeline.all(r.id) as RunRow['timeline'],
      approvals: (approvals.all(r.id) as Array<{ userId: string }>).map((a) => a.userId),
      steps: steps.all(r.id) as RunRow['steps'],
    }));
  } finally {
    db.close();
  }
}

export function peekRun(databasePath: string, runId: string): RunRow | undefined {
  return peekRuns(databasePath).find((r) => r.id === runId);
}
