// Every statement the store runs, prepared once per connection. Lists of statuses are bound as one
// JSON array (json_each) so a statement never has to be rebuilt for a different list length.
import type { Database } from 'better-sqlite3';

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database) {
  return {
    insertDeployment: db.prepare(`
      INSERT INTO deployments (id, service, environment, version, created_at, status, rolled_back_by, body)
      VALUES (@id, @service, @environment, @version, @createdAt, @status, NULL, @body)
      ON CONFLICT (id) DO NOTHING`),
    deploymentBody: db.prepare('SELECT body FROM deployments WHERE id = ?').pluck(),
    getDeployment: db.prepare('SELECT id, created_at, status, body FROM deployments WHERE id = ?'),
    listDeployments: db.prepare(`
      SELECT id, created_at, status, body FROM deployments
      WHERE service = @service AND environment = @environment
      ORDER BY created_at DESC, rowid DESC
      LIMIT @limit`),
    // Keeps the newest `keep` per service and environment, ordered as listDeployments orders them.
    pruneDeployments: db.prepare(`
      DELETE FROM deployments WHERE service = @service AND environment = @environment AND id NOT IN (
        SELECT id FROM deployments WHERE service = @service AND environment = @environment
        ORDER BY created_at DESC, rowid DESC LIMIT @keep)`),
    markRolledBack: db.prepare(`
      UPDATE deployments SET status = 'rolled_back', rolled_back_by = coalesce(rolled_back_by, @runId)
      WHERE id = @deploymentId`),

    insertRun: db.prepare(`
      INSERT INTO runs (id, status, service, environment, channel, plan, requested_by, message_channel, message_ts,
                        verification, root_cause, created_at, updated_at)
      VALUES (@id, @status, @service, @environment, @channel, @plan, @requestedBy, @messageChannel, @messageTs,
              @verification, @rootCause, @createdAt, @updatedAt)`),
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
    runIdsForIncident: db.prepare(`SELECT id FROM runs WHERE json_extract(plan, '$.incident.id') = ? ORDER BY created_at, rowid`).pluck(),
    rememberEvent: db.prepare('INSERT INTO webhook_events (id, source, received_at) VALUES (@id, @source, @at) ON CONFLICT (id) DO NOTHING'),
    getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
    runsInStatus: db.prepare(`
      SELECT * FROM runs WHERE status IN (SELECT value FROM json_each(?))
      ORDER BY created_at, rowid`),
    activeRunFor: db.prepare(`
      SELECT * FROM runs
      WHERE service = @service AND environment = @environment AND status IN (SELECT value FROM json_each(@statuses))
      ORDER BY created_at DESC, rowid DESC
      LIMIT 1`),
    transition: db.prepare(`
      UPDATE runs SET status = @to, updated_at = @at
      WHERE id = @runId AND status IN (SELECT value FROM json_each(@from))`),
    setMessage: db.prepare('UPDATE runs SET message_channel = @channel, message_ts = @ts WHERE id = @runId'),
    setVerification: db.prepare('UPDATE runs SET verification = @verification WHERE id = @runId'),
    setRootCause: db.prepare('UPDATE runs SET root_cause = @rootCause WHERE id = @runId'),
    touchRun: db.prepare('UPDATE runs SET updated_at = max(updated_at, @at) WHERE id = @runId'),

    // The WHERE EXISTS both gates on the status and lets SQLite parse the upsert after a SELECT.
    addApproval: db.prepare(`
      INSERT INTO approvals (run_id, user_id, at)
      SELECT @runId, @userId, @at
      WHERE EXISTS (SELECT 1 FROM runs WHERE id = @runId AND status = 'awaiting_approval')
      ON CONFLICT (run_id, user_id) DO NOTHING`),
    insertApproval: db.prepare('INSERT INTO approvals (run_id, user_id, at) VALUES (@runId, @userId, @at)'),
    approvalsOf: db.prepare('SELECT user_id, at FROM approvals WHERE run_id = ? ORDER BY at, rowid'),

    upsertStepResult: db.prepare(`
      INSERT INTO step_results (run_id, idx, status, started_at, finished_at, detail)
      VALUES (@runId, @index, @status, @startedAt, @finishedAt, @detail)
      ON CONFLICT (run_id, idx) DO UPDATE SET
        status = excluded.status, started_at = excluded.started_at,
        finished_at = excluded.finished_at, detail = excluded.detail`),
    stepResultsOf: db.prepare(`
      SELECT idx, status, started_at, finished_at, detail FROM step_results WHERE run_id = ? ORDER BY idx`),

    insertTimeline: db.prepare(`
      INSERT INTO timeline (run_id, at, actor, type, detail) VALUES (@runId, @at, @actor, @type, @detail)`),
    timelineOf: db.prepare('SELECT * FROM timeline WHERE run_id = ? ORDER BY id'),
  };
}
