// The writes on the approve → first Kubernetes write path, each as ONE statement (data-modifying
// CTEs), so each is one round trip (one-statement.ts) instead of BEGIN, a fence check, the write,
// the timeline row and COMMIT. PostgreSQL runs a statement atomically: the fence check, the
// compare-and-set and the timeline row commit together or not at all, as they did in a transaction.
//
// The fence: `fence` locks the run row FOR UPDATE — the lock assertFence took — and says whether the
// lease's owner and fence are still the row's. A claim by another replica is an UPDATE of that row,
// so it either committed before the lock (the locking read waits, then sees the new owner: `held` is
// false and nothing is written) or waits until this statement has committed. Every other part of the
// statement only writes when `held`, and the statement returns `held` and what changed, so "lease
// lost" and "status did not match" are told apart without a second query. The run row is always
// locked first, then the child rows (approvals, step results, timeline), the same order as
// addApproval's transaction took — the order that keeps concurrent approvals from deadlocking.
import { z } from 'zod';
import { LeaseLostError } from '../../core/errors.js';
import type { Approval, StepResult, TimelineEvent } from '../../core/model.js';
import type { RunLease } from '../../core/ports.js';
import { pgJson } from './pg-text.js';
import { runChildren } from './run-rows.js';

/** A statement and its parameters, each parameter typed where it is used ($n::type). */
export interface Statement {
  sql: string;
  params: unknown[];
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * `fence(held)`: one row if the run exists, `held` true when no lease is given or the lease still
 * holds the run. Without a lease the row is read, not locked, as the transactional code did.
 */
function fenceCte(p: Params, runId: string, lease: RunLease | undefined): string {
  const id = p.add(runId, 'text');
  if (!lease) return `fence AS (SELECT true AS held FROM runs WHERE id = ${id})`;
  return `fence AS (
    SELECT coalesce(lease_owner = ${p.add(lease.owner, 'text')} AND lease_expires_at IS NOT NULL
                    AND lease_fence = ${p.add(lease.fence, 'bigint')}, false) AS held
    FROM runs WHERE id = ${id} FOR UPDATE)`;
}

/** `entryKey`: the entry's key (migration 004), by which a write whose outcome is unknown is looked up. */
function timelineInsert(p: Params, e: TimelineEvent, entryKey: string, from: string): string {
  return `INSERT INTO timeline (run_id, at, actor, type, detail, entry_key)
    SELECT ${p.add(e.runId, 'text')}, ${p.add(e.at, 'text')}, ${p.add(pgJson(e.actor), 'jsonb')}, ${p.add(e.type, 'text')}, ${p.add(e.detail, 'text')},
           ${p.add(entryKey, 'text')}
    FROM ${from}`;
}

/**
 * Returns `held` (null: no such run; always true without a lease) and `changed` (1 when the status
 * moved and the event was added). With a lease, the status compared is the one the locking read saw
 * — the row as it is after any concurrent writer committed, as the transaction's UPDATE (a statement
 * after the lock, with a new snapshot) saw it — not this statement's snapshot, taken before the wait.
 * The UPDATE then finds the row by id and, if it changed since the snapshot, re-checks the locked,
 * newest version. Without a lease it is the plain compare-and-set it always was.
 *
 * When it moved, the row also carries the run as stored (runs.* as the UPDATE left it, and its
 * children as decodeRuns reads them), so the caller need not read it again. The children are as of
 * the statement's snapshot: a move never writes them, and on the execution path only the lease's
 * holder does.
 */
export function transitionStatement(
  runId: string,
  from: readonly string[],
  to: string,
  event: TimelineEvent,
  entryKey: string,
  lease?: RunLease,
): Statement {
  const p = new Params();
  const statuses = p.add([...from], 'text[]');
  const set = `UPDATE runs SET status = ${p.add(to, 'text')}, updated_at = ${p.add(event.at, 'text')}`;
  const id = p.add(runId, 'text');
  const moved = lease
    ? `WITH fence AS (
    SELECT status, coalesce(lease_owner = ${p.add(lease.owner, 'text')} AND lease_expires_at IS NOT NULL
                            AND lease_fence = ${p.add(lease.fence, 'bigint')}, false) AS held
    FROM runs WHERE id = ${id} FOR UPDATE),
  moved AS (${set} WHERE id = ${id} AND EXISTS (SELECT 1 FROM fence WHERE held AND fence.status = ANY(${statuses})) RETURNING *)`
    : `WITH moved AS (${set} WHERE id = ${id} AND status = ANY(${statuses}) RETURNING *)`;
  const held = lease ? '(SELECT held FROM fence)' : 'true';
  const sql = `${moved},
  logged AS (${timelineInsert(p, event, entryKey, 'moved')})
  SELECT ${held} AS held, (SELECT count(*) FROM moved)::int AS changed, moved.*, ${runChildren('moved')}
  FROM (SELECT 1) AS one LEFT JOIN moved ON true`;
  return { sql, params: p.values };
}

/**
 * Returns `added` (1 when the approval, the run's updated_at and the event were recorded). The row
 * lock waits for a concurrent transition of the run and re-checks its status (see addApproval).
 */
export function addApprovalStatement(runId: string, approval: Approval, event: TimelineEvent, entryKey: string): Statement {
  const p = new Params();
  const id = p.add(runId, 'text');
  const sql = `WITH open AS (SELECT id FROM runs WHERE id = ${id} AND status = 'awaiting_approval' FOR NO KEY UPDATE),
  added AS (
    INSERT INTO approvals (run_id, user_id, at) SELECT id, ${p.add(approval.userId, 'text')}, ${p.add(approval.at, 'text')} FROM open
    ON CONFLICT (run_id, user_id) DO NOTHING
    RETURNING run_id),
  touched AS (UPDATE runs SET updated_at = greatest(updated_at, ${p.add(event.at, 'text')}) WHERE id IN (SELECT run_id FROM added)),
  logged AS (${timelineInsert(p, event, entryKey, 'added')})
  SELECT (SELECT count(*) FROM added)::int AS added`;
  return { sql, params: p.values };
}

/**
 * Returns `held` (null: no such run); the result is written (and the run touched) only when held,
 * with `event` (its audit line) if given, once under its key: sent twice, it leaves what once did.
 * When written, the row also carries the run as stored: runs.* as the UPDATE left it, and its step
 * results as the statement's snapshot had them with this one put in (a statement does not see its
 * own writes; only the lease's holder writes step results).
 */
export function saveStepResultStatement(runId: string, r: StepResult, lease?: RunLease, event?: { entry: TimelineEvent; key: string }): Statement {
  const p = new Params();
  const fence = fenceCte(p, runId, lease);
  const sql = `WITH ${fence},
  saved AS (
    INSERT INTO step_results (run_id, idx, status, started_at, finished_at, detail)
    SELECT ${p.add(runId, 'text')}, ${p.add(r.index, 'integer')}, ${p.add(r.status, 'text')}, ${p.add(r.startedAt, 'text')},
           ${p.add(r.finishedAt ?? null, 'text')}, ${p.add(r.detail, 'text')}
    FROM fence WHERE held
    ON CONFLICT (run_id, idx) DO UPDATE SET
      status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at, detail = excluded.detail
    RETURNING run_id, idx, status, started_at, finished_at, detail),
  touched AS (
    UPDATE runs SET updated_at = greatest(updated_at, ${p.add(r.finishedAt ?? r.startedAt, 'text')})
    WHERE id IN (SELECT run_id FROM saved) RETURNING *)${
      event
        ? `,
  logged AS (${timelineInsert(p, event.entry, event.key, 'fence WHERE held')} ON CONFLICT (entry_key) DO NOTHING)`
        : ''
    }
  SELECT (SELECT held FROM fence) AS held, touched.*, ${runChildren('touched', STEPS_WITH_SAVED)}
  FROM (SELECT 1) AS one LEFT JOIN touched ON true`;
  return { sql, params: p.values };
}

/** The run's step results with the one just saved in place of the snapshot's (see saveStepResultStatement). */
const STEPS_WITH_SAVED = `(
    SELECT idx, status, started_at, finished_at, detail FROM step_results
    WHERE run_id = touched.id AND idx NOT IN (SELECT idx FROM saved)
    UNION ALL SELECT idx, status, started_at, finished_at, detail FROM saved) s`;

/**
 * Returns `held` (null: no such run); the event is added only when held, and only once under its key,
 * so the statement may simply be sent again when its outcome is unknown.
 */
export function appendTimelineStatement(event: TimelineEvent, entryKey: string, lease?: RunLease): Statement {
  const p = new Params();
  const fence = fenceCte(p, event.runId, lease);
  const sql = `WITH ${fence},
  logged AS (${timelineInsert(p, event, entryKey, 'fence WHERE held')} ON CONFLICT (entry_key) DO NOTHING)
  SELECT (SELECT held FROM fence) AS held`;
  return { sql, params: p.values };
}

export const transitionOutcome = z.object({ held: z.boolean().nullable(), changed: z.number().int(), recovered: z.literal(true).optional() });
export const approvalOutcome = z.object({ added: z.number().int() });
const fencedRow = z.object({ held: z.boolean().nullable() });

/** After a fenced write of a step result or an event: the run must exist, and the lease (if any) still hold it. */
export function fencedOutcome(runId: string, lease: RunLease | undefined, row: unknown): void {
  const { held } = fencedRow.parse(row);
  if (held === null) throw new Error(`run ${runId} does not exist`);
  if (lease && !held) throw new LeaseLostError(runId, lease.fence);
}
