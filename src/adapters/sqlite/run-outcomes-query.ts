// Planning's view of past runs (Store.runOutcomes): a handful of facts per run, computed by SQLite
// from the JSON columns and step results, instead of decoding whole runs (plans, checks, states).
import type { Database, Statement } from 'better-sqlite3';
import { z } from 'zod';
import { RUN_STATUSES, type RunStatus } from '../../core/model.js';
import type { RunOutcome } from '../../core/version-history.js';

// Rows come from our own schema, yet are parsed (not cast) like every other read.
const outcomeRow = z.object({
  id: z.string(),
  status: z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]]),
  updated_at: z.string(),
  failed_id: z.string(),
  target_id: z.string(),
  changed: z.union([z.number(), z.boolean()]).transform(Boolean),
  checked: z.union([z.number(), z.boolean()]).transform(Boolean),
});

export function prepareRunOutcomes(db: Database): Statement {
  return db.prepare(`
    SELECT r.id, r.status, r.updated_at,
      json_extract(r.plan, '$.failedDeploymentId') AS failed_id,
      json_extract(r.plan, '$.targetDeploymentId') AS target_id,
      (coalesce(json_extract(r.plan, '$.dryRun'), 0) = 0
        AND EXISTS (SELECT 1 FROM step_results s WHERE s.run_id = r.id AND s.status = 'done')) AS changed,
      (coalesce(json_extract(r.verification, '$.phase'), '') = 'Succeeded'
        AND EXISTS (SELECT 1 FROM json_each(r.verification, '$.checks') c WHERE json_extract(c.value, '$.phase') = 'passed')) AS checked
    FROM runs r
    WHERE r.service = @service AND r.environment = @environment
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT @limit`);
}

/** One row of either store's outcome query (SQLite answers 0/1, PostgreSQL booleans). */
export function decodeOutcome(row: unknown): RunOutcome {
  const r = outcomeRow.parse(row);
  return {
    id: r.id,
    status: r.status,
    updatedAt: r.updated_at,
    failedDeploymentId: r.failed_id,
    targetDeploymentId: r.target_id,
    changedSomething: r.changed,
    checkedSomething: r.checked,
  };
}
