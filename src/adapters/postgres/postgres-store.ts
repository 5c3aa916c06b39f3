// The Store port over PostgreSQL, for several replicas sharing one database. Same guarantees as
// SqliteStore: transitions are compare-and-set (a conditional UPDATE re-checked by the server after
// a concurrent writer commits), the per-service lock is a partial unique index, the timeline is
// append-only by trigger, and migrations run once under an advisory lock however many replicas
// start together. Every call is one transaction — the writes on the approve → first Kubernetes write
// path one statement each, without BEGIN/COMMIT (one-statement-writes.ts); nothing here blocks the event loop.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Approval, Deployment, MessageRef, RootCause, Run, RunStatus, StepResult, TimelineEvent, Verification } from '../../core/model.js';
import type { ClaimedLease, CreateRunOutcome, RunFilter, RunLease, SaveDeploymentOutcome, Store } from '../../core/ports.js';
import type { RunOutcome } from '../../core/version-history.js';
import { LeaseLostError } from '../../core/errors.js';
import { ACTIVE_STATUSES } from '../../core/run-machine.js';
import { toIsoUtc } from '../sqlite/iso-utc.js';
import { listRunsParams } from '../sqlite/list-runs-query.js';
import { decodeOutcome } from '../sqlite/run-outcomes-query.js';
import { decodeDeployment, decodeTimelineEvent } from '../sqlite/row-decoding.js';
import { createPool, describeDatabase, type PoolOptions } from './create-pool.js';
import { assertFence, assertLeaseFor, decodeClaim, decodeLease, LEASE_SQL, leaseWindow } from './leases.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { type AfterBreak, oneStatement } from './one-statement.js';
import {
  addApprovalStatement,
  appendTimelineStatement,
  approvalOutcome,
  fencedOutcome,
  type Statement,
  saveStepResultStatement,
  transitionOutcome,
  transitionStatement,
} from './one-statement-writes.js';
import { POSTGRES_MIGRATIONS } from './migrations/index.js';
import { decodeFirstRun, decodeRuns, RUN_SELECT } from './run-rows.js';
import { insertTimeline, jsonOrNull, mustChange, requireRun, touchRun, uniqueViolation, upsertStepResult } from './statement-helpers.js';
import { pgJson } from './pg-text.js';
import { inTransaction, selectWithRetry } from './transaction.js';
import { assertEventFor, assertLegal, sameRecording } from './write-rules.js';

export interface PostgresStoreOptions extends PoolOptions {
  /** How long a call keeps retrying while the server restarts or fails over before it throws. */
  retryForMs?: number;
}

const DEFAULT_RETRY_MS = 15_000;
const ACTIVE_RUN_LOCK = 'runs_one_active_per_service';

export class PostgresStore implements Store {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly retryForMs: number,
  ) {}

  /** Connects and migrates. Replicas opening at once take turns; the first applies what is pending. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const where = describeDatabase(url);
    const pool = createPool(url, options);
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw new Error(`Cannot connect to ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
      try {
        await migrate(client, where, POSTGRES_MIGRATIONS);
      } finally {
        client.release();
      }
      return new PostgresStore(pool, Math.max(0, options.retryForMs ?? DEFAULT_RETRY_MS));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  /** For the readiness probe: one round trip, no retry, so a database that is down shows at once. */
  async schemaVersion(): Promise<number> {
    const client = await this.pool.connect();
    try {
      const version = await readSchemaVersion(client);
      client.release();
      return version;
    } catch (error) {
      // Destroy, never reuse, a connection that failed: the next probe must see the database as it is now.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  async saveDeployment(d: Deployment): Promise<SaveDeploymentOutcome> {
    const createdAt = toIsoUtc(d.createdAt, `Deployment ${d.id} createdAt`);
    return this.write(async (c) => {
      const inserted = await c.query(
        `INSERT INTO deployments (id, service, environment, version, created_at, status, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [d.id, d.service, d.environment, d.version, createdAt, d.status, pgJson(d)],
      );
      if (inserted.rowCount === 1) return 'created';
      const stored = await c.query<{ body: string }>('SELECT body FROM deployments WHERE id = $1', [d.id]);
      const body = stored.rows[0]?.body;
      if (typeof body !== 'string') throw new Error(`deployment ${d.id} vanished during saveDeployment`);
      // Compared as it would be stored: a NUL in the incoming body is stored as U+FFFD (pg-text.ts).
      return sameRecording(JSON.parse(body), JSON.parse(pgJson(d)) as Deployment) ? 'identical' : 'conflict';
    });
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    const [row] = await this.select('SELECT id, created_at, status, body FROM deployments WHERE id = $1', [id]);
    return row === undefined ? undefined : decodeDeployment(row);
  }

  async listDeployments(service: string, environment: string, limit: number): Promise<Deployment[]> {
    const rows = await this.select(
      `SELECT id, created_at, status, body FROM deployments WHERE service = $1 AND environment = $2
       ORDER BY created_at DESC, seq DESC LIMIT $3`,
      [service, environment, Math.max(0, Math.trunc(limit))],
    );
    return rows.map(decodeDeployment);
  }

  async pruneDeployments(service: string, environment: string, keep: number): Promise<number> {
    return this.write(
      async (c) =>
        (
          await c.query(
            `DELETE FROM deployments WHERE service = $1 AND environment = $2 AND id NOT IN (
         SELECT id FROM deployments WHERE service = $1 AND environment = $2 ORDER BY created_at DESC, seq DESC LIMIT $3)`,
            [service, environment, Math.max(1, Math.trunc(keep))],
          )
        ).rowCount ?? 0,
    );
  }

  async markRolledBack(deploymentId: string, runId: string): Promise<void> {
    // An unknown deployment is a no-op: it cannot be chosen as a target, which is all this guarantees.
    await this.write(async (c) => {
      await requireRun(c, runId);
      await c.query(`UPDATE deployments SET status = 'rolled_back', rolled_back_by = coalesce(rolled_back_by, $2) WHERE id = $1`, [
        deploymentId,
        runId,
      ]);
    });
  }

  async rememberEvent(source: string, id: string, at: string): Promise<boolean> {
    return this.write(
      async (c) =>
        (
          await c.query('INSERT INTO webhook_events (id, source, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
            `${source}:${id}`,
            source,
            at,
          ])
        ).rowCount === 1,
    );
  }

  async createRun(run: Run, event: TimelineEvent): Promise<CreateRunOutcome> {
    assertEventFor(run.id, event);
    try {
      await this.write(async (c) => {
        if ((await c.query('SELECT 1 FROM runs WHERE id = $1', [run.id])).rowCount !== 0) throw new Error(`run ${run.id} already exists`);
        await c.query(
          `INSERT INTO runs (id, status, service, environment, channel, plan, requested_by, message_channel, message_ts,
                             verification, root_cause, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            run.id,
            run.status,
            run.plan.service,
            run.plan.environment,
            run.channel,
            pgJson(run.plan),
            pgJson(run.requestedBy),
            run.message?.channel ?? null,
            run.message?.ts ?? null,
            jsonOrNull(run.verification),
            jsonOrNull(run.rootCause),
            run.createdAt,
            run.updatedAt,
          ],
        );
        for (const approval of run.approvals) {
          await c.query('INSERT INTO approvals (run_id, user_id, at) VALUES ($1, $2, $3)', [run.id, approval.userId, approval.at]);
        }
        for (const result of run.stepResults) await upsertStepResult(c, run.id, result);
        await insertTimeline(c, event);
      });
      return 'created';
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === ACTIVE_RUN_LOCK) return 'locked';
      // Two callers inserting the same id at once: the loser meets the primary key, not the check above.
      if (constraint === 'runs_pkey') throw new Error(`run ${run.id} already exists`, { cause: error });
      throw error;
    }
  }

  async getRun(id: string): Promise<Run | undefined> {
    return decodeFirstRun(await this.select(`${RUN_SELECT} WHERE runs.id = $1`, [id]));
  }

  async transition(runId: string, from: readonly RunStatus[], to: RunStatus, event: TimelineEvent, lease?: RunLease): Promise<Run | undefined> {
    assertLegal(from, to);
    assertEventFor(runId, event);
    assertLeaseFor(lease, runId);
    const entryKey = randomUUID();
    const [row] = await this.run(transitionStatement(runId, from, to, event, entryKey, lease), {
      kind: 'ask',
      runId,
      entryKey,
      applied: { held: true, changed: 1, recovered: true },
    });
    const outcome = transitionOutcome.parse(row);
    if (lease && outcome.held !== true) throw new LeaseLostError(runId, lease.fence);
    if (outcome.changed !== 1) return undefined;
    // A move recognised after its reply was lost carries no row: read the run as it is now.
    return outcome.recovered ? this.getRun(runId) : decodeFirstRun([row]);
  }

  async addApproval(runId: string, approval: Approval, event: TimelineEvent): Promise<boolean> {
    assertEventFor(runId, event);
    // One statement (one-statement-writes.ts). Its first part locks the run row and re-checks its
    // status, so an approval never lands on a run that was rejected or expired in the meantime. It is
    // the lock the UPDATE of updated_at takes anyway (FOR NO KEY UPDATE), taken first: with FOR SHARE,
    // two approvals at once each held a share lock the other's UPDATE waited on, and PostgreSQL killed
    // one as a deadlock.
    const entryKey = randomUUID();
    const [row] = await this.run(addApprovalStatement(runId, approval, event, entryKey), { kind: 'ask', runId, entryKey, applied: { added: 1 } });
    return approvalOutcome.parse(row).added === 1;
  }

  async setMessage(runId: string, message: MessageRef, lease?: RunLease): Promise<void> {
    await this.write(async (c) => {
      await assertFence(c, lease, runId);
      mustChange(
        (await c.query('UPDATE runs SET message_channel = $2, message_ts = $3 WHERE id = $1', [runId, message.channel, message.ts])).rowCount,
        runId,
      );
    });
  }

  async saveStepResult(runId: string, result: StepResult, lease?: RunLease, event?: TimelineEvent): Promise<Run> {
    assertLeaseFor(lease, runId);
    if (event) assertEventFor(runId, event);
    // An upsert of the same values, and the audit line once under its key: sent again as it is when its outcome is unknown.
    const statement = saveStepResultStatement(runId, result, lease, event && { entry: event, key: randomUUID() });
    const [row] = await this.run(statement, { kind: 'run-again' });
    fencedOutcome(runId, lease, row);
    const stored = decodeFirstRun([row]);
    if (!stored) throw new Error(`run ${runId}: the step result was written but the run did not come back`);
    return stored;
  }

  async saveVerification(runId: string, verification: Verification, lease?: RunLease): Promise<void> {
    await this.write(async (c) => {
      await assertFence(c, lease, runId);
      mustChange((await c.query('UPDATE runs SET verification = $2 WHERE id = $1', [runId, pgJson(verification)])).rowCount, runId);
      await touchRun(c, runId, verification.finishedAt);
    });
  }

  async saveRootCause(runId: string, rootCause: RootCause, lease?: RunLease): Promise<void> {
    await this.write(async (c) => {
      await assertFence(c, lease, runId);
      mustChange((await c.query('UPDATE runs SET root_cause = $2 WHERE id = $1', [runId, pgJson(rootCause)])).rowCount, runId);
    });
  }

  async appendTimeline(event: TimelineEvent, lease?: RunLease): Promise<void> {
    assertLeaseFor(lease, event.runId);
    const statement = appendTimelineStatement(event, randomUUID(), lease);
    fencedOutcome(event.runId, lease, (await this.run(statement, { kind: 'run-again' }))[0]);
  }

  async timeline(runId: string): Promise<TimelineEvent[]> {
    return (await this.select('SELECT * FROM timeline WHERE run_id = $1 ORDER BY id', [runId])).map(decodeTimelineEvent);
  }

  async runsInStatus(statuses: readonly RunStatus[]): Promise<Run[]> {
    return decodeRuns(await this.select(`${RUN_SELECT} WHERE status = ANY($1::text[]) ORDER BY created_at, seq`, [[...statuses]]));
  }

  async runsForIncident(incidentId: string): Promise<Run[]> {
    return decodeRuns(await this.select(`${RUN_SELECT} WHERE plan -> 'incident' ->> 'id' = $1 ORDER BY created_at, seq`, [incidentId]));
  }

  async activeRunFor(service: string, environment: string): Promise<Run | undefined> {
    return decodeFirstRun(
      await this.select(
        `${RUN_SELECT} WHERE service = $1 AND environment = $2 AND status = ANY($3::text[])
       ORDER BY created_at DESC, seq DESC LIMIT 1`,
        [service, environment, [...ACTIVE_STATUSES]],
      ),
    );
  }

  async runOutcomes(service: string, environment: string, limit: number): Promise<RunOutcome[]> {
    const rows = await this.select(
      `SELECT r.id, r.status, r.updated_at, r.plan->>'failedDeploymentId' AS failed_id, r.plan->>'targetDeploymentId' AS target_id,
         (coalesce((r.plan->>'dryRun')::boolean, false) = false
           AND EXISTS (SELECT 1 FROM step_results s WHERE s.run_id = r.id AND s.status = 'done')) AS changed,
         (coalesce(r.verification->>'phase', '') = 'Succeeded'
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(r.verification->'checks', '[]'::jsonb)) c WHERE c->>'phase' = 'passed')) AS checked
       FROM runs r WHERE r.service = $1 AND r.environment = $2
       ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
      [service, environment, Math.max(0, Math.trunc(limit))],
    );
    return rows.map(decodeOutcome);
  }

  async listRuns(filter: RunFilter): Promise<Run[]> {
    const p = listRunsParams(filter);
    return decodeRuns(
      await this.select(
        `${RUN_SELECT}
       WHERE ($1::text IS NULL OR service = $1)
         AND ($2::text[] IS NULL OR status = ANY($2::text[]))
         AND ($3::text IS NULL OR created_at >= $3)
         AND ($4::text IS NULL OR created_at < $4 OR (created_at = $4 AND id < $5))
       ORDER BY created_at DESC, id DESC
       LIMIT $6`,
        [p.service, filter.statuses ? [...filter.statuses] : null, p.since, p.afterCreatedAt, p.afterId, p.limit],
      ),
    );
  }

  async claimRun(runId: string, owner: string, now: string, leaseMs: number): Promise<ClaimedLease | undefined> {
    const window = leaseWindow(now, leaseMs);
    // Sent again when its outcome is unknown: the claim also takes a run that holds exactly this claim (same owner and expiry).
    const claim = { sql: LEASE_SQL.claim, params: [runId, owner, window.expiresAt, window.now] };
    return decodeClaim((await this.run(claim, { kind: 'run-again' }))[0], owner);
  }

  async renewLease(lease: RunLease, now: string, leaseMs: number): Promise<RunLease | undefined> {
    const window = leaseWindow(now, leaseMs);
    // Idempotent (the same expiry for the same owner and fence): retried even if the connection broke mid-flight.
    const renew = { sql: LEASE_SQL.renew, params: [lease.runId, lease.owner, lease.fence, window.expiresAt] };
    return decodeLease((await this.run(renew, { kind: 'run-again' }))[0]);
  }

  async releaseLease(lease: RunLease): Promise<void> {
    await this.run({ sql: LEASE_SQL.release, params: [lease.runId, lease.owner, lease.fence] }, { kind: 'run-again' });
  }

  async claimableRuns(now: string, statuses: readonly RunStatus[]): Promise<Run[]> {
    const at = leaseWindow(now, 0).now;
    return decodeRuns(await this.select(LEASE_SQL.claimable, [[...statuses], at]));
  }

  async runLease(runId: string): Promise<RunLease | undefined> {
    return decodeLease((await this.select(LEASE_SQL.leaseOf, [runId]))[0]);
  }

  async claimJob(name: string, owner: string, now: string, leaseMs: number): Promise<boolean> {
    const window = leaseWindow(now, leaseMs);
    const claim = { sql: LEASE_SQL.claimJob, params: [name, owner, window.expiresAt, window.now] };
    return (await this.runForCount(claim)) === 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private write<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, { retryForMs: this.retryForMs }, work);
  }

  /** A write that is one statement, one round trip; `afterBreak`: what a break mid-flight takes (one-statement.ts). */
  private async run(statement: Statement, afterBreak: AfterBreak): Promise<unknown[]> {
    return (await oneStatement(this.pool, { retryForMs: this.retryForMs, afterBreak }, statement.sql, statement.params)).rows;
  }

  private async runForCount(statement: Statement): Promise<number> {
    const options = { retryForMs: this.retryForMs, afterBreak: { kind: 'transaction' } as const };
    return (await oneStatement(this.pool, options, statement.sql, statement.params)).rowCount ?? 0;
  }

  /** Reads are one statement each (a run and its children included): one snapshot, one round trip. */
  private select(sql: string, params: unknown[]): Promise<unknown[]> {
    return selectWithRetry(this.pool, this.retryForMs, sql, params);
  }
}
