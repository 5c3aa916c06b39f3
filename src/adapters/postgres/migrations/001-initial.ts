import type { SchemaMigration } from '../../sqlite/migrations/schema-migration.js';

// The same tables as SQLite's 001, so one schema version means the same thing on both stores.
// Timestamps are ISO-8601 UTC text exactly as the domain wrote them (a run reads back exactly what
// was recorded), ordered as text in the "C" collation so that text order is time order whatever the
// server's locale. `seq` is the insertion order SQLite's rowid gives, for ties between equal times.
// JSON columns are jsonb: checked at write time and queryable (the incident index in 002).
export const initialSchema: SchemaMigration = {
  version: 1,
  name: '001-initial',
  sql: `
CREATE TABLE runs (
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id              text COLLATE "C" PRIMARY KEY,
  status          text COLLATE "C" NOT NULL,
  service         text COLLATE "C" NOT NULL,
  environment     text COLLATE "C" NOT NULL,
  channel         text NOT NULL,
  plan            jsonb NOT NULL,
  requested_by    jsonb NOT NULL,
  message_channel text,
  message_ts      text,
  verification    jsonb,
  root_cause      jsonb,
  created_at      text COLLATE "C" NOT NULL,
  updated_at      text COLLATE "C" NOT NULL,
  CHECK ((message_channel IS NULL) = (message_ts IS NULL))
);
CREATE INDEX runs_by_service_status ON runs (service, environment, status);
CREATE INDEX runs_by_status ON runs (status);
CREATE INDEX runs_by_created ON runs (created_at DESC, id DESC);
-- The per-service lock: at most one run per service and environment may be active. Two replicas that
-- race past the plan's active-run check still cannot both hold the service.
CREATE UNIQUE INDEX runs_one_active_per_service ON runs (service, environment)
  WHERE status IN ('awaiting_approval', 'approved', 'executing', 'verifying');

CREATE TABLE deployments (
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id             text COLLATE "C" PRIMARY KEY,
  service        text COLLATE "C" NOT NULL,
  environment    text COLLATE "C" NOT NULL,
  version        text NOT NULL,
  created_at     text COLLATE "C" NOT NULL,
  status         text NOT NULL,
  rolled_back_by text REFERENCES runs (id),
  body           jsonb NOT NULL
);
CREATE INDEX deployments_by_service_time ON deployments (service, environment, created_at DESC, seq DESC);

CREATE TABLE approvals (
  seq     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  run_id  text COLLATE "C" NOT NULL REFERENCES runs (id),
  user_id text NOT NULL,
  at      text COLLATE "C" NOT NULL,
  PRIMARY KEY (run_id, user_id)
);

CREATE TABLE step_results (
  run_id      text COLLATE "C" NOT NULL REFERENCES runs (id),
  idx         integer NOT NULL,
  status      text NOT NULL,
  started_at  text NOT NULL,
  finished_at text,
  detail      text NOT NULL,
  PRIMARY KEY (run_id, idx)
);

CREATE TABLE timeline (
  id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id text COLLATE "C" NOT NULL REFERENCES runs (id),
  at     text NOT NULL,
  actor  jsonb NOT NULL,
  type   text NOT NULL,
  detail text NOT NULL
);
CREATE INDEX timeline_by_run ON timeline (run_id, id);

-- Runs and their timeline are the audit trail: a bug, a hand-typed DELETE or a TRUNCATE must not
-- erase them, whichever replica or role tries.
CREATE FUNCTION smartspec_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER runs_are_never_deleted BEFORE DELETE ON runs
  FOR EACH ROW EXECUTE FUNCTION smartspec_refuse_change('runs are never deleted: they are the audit trail');
CREATE TRIGGER runs_are_never_truncated BEFORE TRUNCATE ON runs
  FOR EACH STATEMENT EXECUTE FUNCTION smartspec_refuse_change('runs are never deleted: they are the audit trail');
CREATE TRIGGER timeline_is_never_deleted BEFORE DELETE ON timeline
  FOR EACH ROW EXECUTE FUNCTION smartspec_refuse_change('timeline events are never deleted: they are the audit trail');
CREATE TRIGGER timeline_is_never_truncated BEFORE TRUNCATE ON timeline
  FOR EACH STATEMENT EXECUTE FUNCTION smartspec_refuse_change('timeline events are never deleted: they are the audit trail');
CREATE TRIGGER timeline_is_append_only BEFORE UPDATE ON timeline
  FOR EACH ROW EXECUTE FUNCTION smartspec_refuse_change('timeline events are append-only');
`,
};
