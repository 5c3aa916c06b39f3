import type { SchemaMigration } from './schema-migration.js';

// STRICT tables and json_valid checks make a bad write fail at the write, not at a later read.
// JSON columns hold domain objects verbatim; the scalar columns beside them exist to be queried.
export const initialSchema: SchemaMigration = {
  version: 1,
  name: '001-initial',
  sql: `
CREATE TABLE runs (
  id              TEXT PRIMARY KEY,
  status          TEXT NOT NULL,
  service         TEXT NOT NULL,
  environment     TEXT NOT NULL,
  channel         TEXT NOT NULL,
  plan            TEXT NOT NULL CHECK (json_valid(plan)),
  requested_by    TEXT NOT NULL CHECK (json_valid(requested_by)),
  message_channel TEXT,
  message_ts      TEXT,
  verification    TEXT CHECK (verification IS NULL OR json_valid(verification)),
  root_cause      TEXT CHECK (root_cause IS NULL OR json_valid(root_cause)),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  CHECK ((message_channel IS NULL) = (message_ts IS NULL))
) STRICT;
CREATE INDEX runs_by_service_status ON runs (service, environment, status);
CREATE INDEX runs_by_status ON runs (status);
-- The per-service lock: at most one run per service and environment may be active. Two requests that
-- race past the plan's active-run check still cannot both hold the service.
CREATE UNIQUE INDEX runs_one_active_per_service ON runs (service, environment)
  WHERE status IN ('awaiting_approval', 'approved', 'executing', 'verifying');

CREATE TABLE deployments (
  id             TEXT PRIMARY KEY,
  service        TEXT NOT NULL,
  environment    TEXT NOT NULL,
  version        TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  status         TEXT NOT NULL,
  rolled_back_by TEXT REFERENCES runs (id),
  body           TEXT NOT NULL CHECK (json_valid(body))
) STRICT;
CREATE INDEX deployments_by_service_time ON deployments (service, environment, created_at DESC);

CREATE TABLE approvals (
  run_id  TEXT NOT NULL REFERENCES runs (id),
  user_id TEXT NOT NULL,
  at      TEXT NOT NULL,
  PRIMARY KEY (run_id, user_id)
) STRICT;

CREATE TABLE step_results (
  run_id      TEXT NOT NULL REFERENCES runs (id),
  idx         INTEGER NOT NULL,
  status      TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  detail      TEXT NOT NULL,
  PRIMARY KEY (run_id, idx)
) STRICT;

CREATE TABLE timeline (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id),
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL CHECK (json_valid(actor)),
  type   TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX timeline_by_run ON timeline (run_id, id);

-- Runs and their timeline are the audit trail: a bug or a hand-typed DELETE must not erase them.
CREATE TRIGGER runs_are_never_deleted BEFORE DELETE ON runs
BEGIN SELECT RAISE(ABORT, 'runs are never deleted: they are the audit trail'); END;
CREATE TRIGGER timeline_is_never_deleted BEFORE DELETE ON timeline
BEGIN SELECT RAISE(ABORT, 'timeline events are never deleted: they are the audit trail'); END;
CREATE TRIGGER timeline_is_append_only BEFORE UPDATE ON timeline
BEGIN SELECT RAISE(ABORT, 'timeline events are append-only'); END;
`,
};
