// The Store port over one SQLite file. better-sqlite3 is synchronous; the methods are async only so
// that a PostgreSQL store can implement the same port. Every write is one IMMEDIATE transaction:
// it takes the write lock up front, so two processes queue on busy_timeout instead of failing
// mid-transaction with SQLITE_BUSY when a read would have to be upgraded to a write.
import type { Database } from 'better-sqlite3';
import type { Approval, Deployment, MessageRef, RootCause, Run, RunStatus, StepResult, TimelineEvent, Verification } from '../../core/model.js';
import type { ClaimedLease, CreateRunOutcome, RunFilter, RunLease, SaveDeploymentOutcome, Store } from '../../core/ports.js';
import type { RunOutcome } from '../../core/version-history.js';
import { ACTIVE_STATUSES, canTransition } from '../../core/run-machine.js';
import { canonicalJson } from './canonical-json.js';
import { toIsoUtc } from './iso-utc.js';
import { assertFence, decodeLease, leaseWindow, prepareLeaseStatements, type LeaseStatements } from './lease-statements.js';
import { listRunsParams, prepareListRuns } from './list-runs-query.js';
import { decodeOutcome, prepareRunOutcomes } from './run-outcomes-query.js';
import { migrate, readSchemaVersion } from './migrate.js';
import { SCHEMA_MIGRATIONS } from './migrations/index.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase, type OpenOptions } from './open-database.js';
import { decodeDeployment, decodeRun, decodeRunRow, decodeTimelineEvent } from './row-decoding.js';
import { prepareStatements, type Statements } from './statements.js';

// Per attempt: long enough to ride out a commit in progress, short enough not to stall the bot.
const ATTEMPT_BUSY_TIMEOUT_MS = 25;

export class SqliteStore implements Store {
  private readonly sql: Statements;
  private readonly leases: LeaseStatements;
  private readonly listRunsStatement: ReturnType<typeof prepareListRuns>;
  private readonly runOutcomesStatement: ReturnType<typeof prepareRunOutcomes>;

  private constructor(
    private readonly db: Database,
    private readonly lockWaitMs: number,
  ) {
    this.sql = prepareStatements(db);
    this.leases = prepareLeaseStatements(db);
    this.listRunsStatement = prepareListRuns(db);
    this.runOutcomesStatement = prepareRunOutcomes(db);
  }

  /** Opens (creating the file and its directory if needed) and migrates. `:memory:` is for tests. */
  static open(path: string, opts: OpenOptions = {}): SqliteStore {
    const db = openDatabase(path, opts);
    try {
      migrate(db, path, SCHEMA_MIGRATIONS);
      // From here on SQLite itself waits only briefly: its wait blocks the event loop (and every Slack
      // ack with it); the store waits for a lock asynchronously instead, for the same total time.
      db.pragma(`busy_timeout = ${ATTEMPT_BUSY_TIMEOUT_MS}`);
      return new SqliteStore(db, Math.max(0, opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** For the readiness probe: answers only if the database can be read. */
  async schemaVersion(): Promise<number> {
    return readSchemaVersion(this.db);
  }

  async saveDeployment(d: Deployment): Promise<SaveDeploymentOutcome> {
    const createdAt = toIsoUtc(d.createdAt, `Deployment ${d.id} createdAt`);
    return this.write(() => {
      const inserted =
        this.sql.insertDeployment.run({
          id: d.id,
          service: d.service,
          environment: d.environment,
          version: d.version,
          createdAt,
          status: d.status,
          body: JSON.stringify(d),
        }).changes === 1;
      if (inserted) return 'created';
      const stored: unknown = this.sql.deploymentBody.get(d.id);
      if (typeof stored !== 'string') throw new Error(`deployment ${d.id} vanished during saveDeployment`);
      return sameRecording(JSON.parse(stored), d) ? 'identical' : 'conflict';
    });
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    const row: unknown = this.sql.getDeployment.get(id);
    return row === undefined ? undefined : decodeDeployment(row);
  }

  async listDeployments(service: string, environment: string, limit: number): Promise<Deployment[]> {
    const rows = this.sql.listDeployments.all({ service, environment, limit: Math.max(0, Math.trunc(limit)) });
    return rows.map(decodeDeployment);
  }

  async rememberEvent(source: string, id: string, at: string): Promise<boolean> {
    return this.write(() => this.sql.rememberEvent.run({ id: `${source}:${id}`, source, at }).changes === 1);
  }

  async runsForIncident(incidentId: string): Promise<Run[]> {
    return this.read(() =>
      (this.sql.runIdsForIncident.all(incidentId) as string[])
        .map((id) => this.loadRun(this.sql.getRun.get(id)))
        .filter((r): r is Run => r !== undefined),
    );
  }

  async pruneDeployments(service: string, environment: string, keep: number): Promise<number> {
    return this.write(() => this.sql.pruneDeployments.run({ service, environment, keep: Math.max(1, Math.trunc(keep)) }).changes);
  }

  async markRolledBack(deploymentId: string, runId: string): Promise<void> {
    // An unknown deployment is a no-op: it cannot be chosen as a target, which is all this guarantees.
    await this.write(() => {
      this.requireRun(runId);
      this.sql.markRolledBack.run({ deploymentId, runId });
    });
  }

  async createRun(run: Run, event: TimelineEvent): Promise<CreateRunOutcome> {
    assertEventFor(run.id, event);
    try {
      await this.insertRun(run, event);
      return 'created';
    } catch (error) {
      if (isActiveRunConflict(error)) return 'locked';
      throw error;
    }
  }

  private async insertRun(run: Run, event: TimelineEvent): Promise<void> {
    await this.write(() => {
      if (this.sql.runExists.get(run.id) !== undefined) throw new Error(`run ${run.id} already exists`);
      this.sql.insertRun.run({
        id: run.id,
        status: run.status,
        service: run.plan.service,
        environment: run.plan.environment,
        channel: run.channel,
        plan: JSON.stringify(run.plan),
        requestedBy: JSON.stringify(run.requestedBy),
        messageChannel: run.message?.channel ?? null,
        messageTs: run.message?.ts ?? null,
        verification: jsonOrNull(run.verification),
        rootCause: jsonOrNull(run.rootCause),
        createdAt: run.createdAt,
        updatedAt: run.updatedAt,
      });
      for (const approval of run.approvals) {
        this.sql.insertApproval.run({ runId: run.id, userId: approval.userId, at: approval.at });
      }
      for (const result of run.stepResults) this.upsertStepResult(run.id, result);
      this.insertTimeline(event);
    });
  }

  async getRun(id: string): Promise<Run | undefined> {
    return this.read(() => this.loadRun(this.sql.getRun.get(id)));
  }

  async transition(runId: string, from: readonly RunStatus[], to: RunStatus, event: TimelineEvent, lease?: RunLease): Promise<Run | undefined> {
    assertLegal(from, to);
    assertEventFor(runId, event);
    return this.write(() => {
      assertFence(this.leases, lease, runId);
      const changed = this.sql.transition.run({ runId, to, at: event.at, from: JSON.stringify(from) }).changes === 1;
      if (!changed) return undefined;
      this.insertTimeline(event);
      return this.loadRun(this.sql.getRun.get(runId));
    });
  }

  async addApproval(runId: string, approval: Approval, event: TimelineEvent): Promise<boolean> {
    assertEventFor(runId, event);
    return this.write(() => {
      const added = this.sql.addApproval.run({ runId, userId: approval.userId, at: approval.at }).changes === 1;
      if (added) {
        this.sql.touchRun.run({ runId, at: event.at });
        this.insertTimeline(event);
      }
      return added;
    });
  }

  async setMessage(runId: string, message: MessageRef, lease?: RunLease): Promise<void> {
    await this.write(
      () => this.fenced(lease, runId) && this.mustChange(this.sql.setMessage.run({ runId, channel: message.channel, ts: message.ts }).changes, runId),
    );
  }

  async saveStepResult(runId: string, result: StepResult, lease?: RunLease, event?: TimelineEvent): Promise<Run> {
    if (event) assertEventFor(runId, event);
    return this.write(() => {
      this.requireRun(runId);
      assertFence(this.leases, lease, runId);
      this.upsertStepResult(runId, result);
      this.sql.touchRun.run({ runId, at: result.finishedAt ?? result.startedAt });
      if (event) this.insertTimeline(event);
      return this.mustLoadRun(this.sql.getRun.get(runId));
    });
  }

  async saveVerification(runId: string, verification: Verification, lease?: RunLease): Promise<void> {
    await this.write(() => {
      assertFence(this.leases, lease, runId);
      this.mustChange(this.sql.setVerification.run({ runId, verification: JSON.stringify(verification) }).changes, runId);
      this.sql.touchRun.run({ runId, at: verification.finishedAt });
    });
  }

  async saveRootCause(runId: string, rootCause: RootCause, lease?: RunLease): Promise<void> {
    await this.write(
      () => this.fenced(lease, runId) && this.mustChange(this.sql.setRootCause.run({ runId, rootCause: JSON.stringify(rootCause) }).changes, runId),
    );
  }

  async appendTimeline(event: TimelineEvent, lease?: RunLease): Promise<void> {
    await this.write(() => {
      this.requireRun(event.runId);
      assertFence(this.leases, lease, event.runId);
      this.insertTimeline(event);
    });
  }

  async timeline(runId: string): Promise<TimelineEvent[]> {
    return this.sql.timelineOf.all(runId).map(decodeTimelineEvent);
  }

  async runsInStatus(statuses: readonly RunStatus[]): Promise<Run[]> {
    return this.read(() => this.sql.runsInStatus.all(JSON.stringify(statuses)).map((row) => this.mustLoadRun(row)));
  }

  async activeRunFor(service: string, environment: string): Promise<Run | undefined> {
    return this.read(() => this.loadRun(this.sql.activeRunFor.get({ service, environment, statuses: JSON.stringify(ACTIVE_STATUSES) })));
  }

  async listRuns(filter: RunFilter): Promise<Run[]> {
    const params = listRunsParams(filter);
    return this.read(() => this.listRunsStatement.all(params).map((row) => this.mustLoadRun(row)));
  }

  async runOutcomes(service: string, environment: string, limit: number): Promise<RunOutcome[]> {
    return this.read(() => this.runOutcomesStatement.all({ service, environment, limit: Math.max(0, Math.trunc(limit)) }).map(decodeOutcome));
  }

  async claimRun(runId: string, owner: string, now: string, leaseMs: number): Promise<ClaimedLease | undefined> {
    const window = leaseWindow(now, leaseMs);
    return this.write(() => {
      const before = decodeLease(this.leases.leaseOf.get(runId));
      const lease = decodeLease(this.leases.claim.get({ runId, owner, ...window }));
      return lease && { ...lease, takenOver: before !== undefined && before.owner !== owner };
    });
  }

  async renewLease(lease: RunLease, now: string, leaseMs: number): Promise<RunLease | undefined> {
    const window = leaseWindow(now, leaseMs);
    return this.write(() =>
      decodeLease(this.leases.renew.get({ runId: lease.runId, owner: lease.owner, fence: lease.fence, expiresAt: window.expiresAt })),
    );
  }

  async releaseLease(lease: RunLease): Promise<void> {
    await this.write(() => this.leases.release.run({ runId: lease.runId, owner: lease.owner, fence: lease.fence }));
  }

  async claimableRuns(now: string, statuses: readonly RunStatus[]): Promise<Run[]> {
    const at = leaseWindow(now, 0).now;
    return this.read(() => this.leases.claimable.all({ now: at, statuses: JSON.stringify(statuses) }).map((row) => this.mustLoadRun(row)));
  }

  async runLease(runId: string): Promise<RunLease | undefined> {
    return this.read(() => decodeLease(this.leases.leaseOf.get(runId)));
  }

  async claimJob(name: string, owner: string, now: string, leaseMs: number): Promise<boolean> {
    const window = leaseWindow(now, leaseMs);
    return this.write(() => this.leases.claimJob.run({ name, owner, ...window }).changes === 1);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private write<T>(work: () => T): Promise<T> {
    return this.whenUnlocked(() => this.db.transaction(work).immediate());
  }

  /** A deferred transaction is one WAL snapshot: a run and its children are read as of one commit. */
  private read<T>(work: () => T): Promise<T> {
    return this.whenUnlocked(() => this.db.transaction(work).deferred());
  }

  /** Retries a transaction that met another connection's lock, yielding the event loop between tries. */
  private async whenUnlocked<T>(attempt: () => T): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      try {
        return attempt();
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() + delay > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private loadRun(row: unknown): Run | undefined {
    return row === undefined ? undefined : this.mustLoadRun(row);
  }

  private mustLoadRun(raw: unknown): Run {
    const row = decodeRunRow(raw);
    return decodeRun(row, this.sql.approvalsOf.all(row.id), this.sql.stepResultsOf.all(row.id));
  }

  /** For one-expression writes: checks the fence (throwing LeaseLostError), then lets the write go on. */
  private fenced(lease: RunLease | undefined, runId: string): true {
    assertFence(this.leases, lease, runId);
    return true;
  }

  private requireRun(runId: string): void {
    if (this.sql.runExists.get(runId) === undefined) throw new Error(`run ${runId} does not exist`);
  }

  private mustChange(changes: number, runId: string): void {
    if (changes !== 1) throw new Error(`run ${runId} does not exist`);
  }

  private upsertStepResult(runId: string, r: StepResult): void {
    this.sql.upsertStepResult.run({
      runId,
      index: r.index,
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt ?? null,
      detail: r.detail,
    });
  }

  private insertTimeline(e: TimelineEvent): void {
    this.sql.insertTimeline.run({ runId: e.runId, at: e.at, actor: JSON.stringify(e.actor), type: e.type, detail: e.detail });
  }
}

/** Equal as recorded: key order and timestamp spelling do not count; a later markRolledBack never does. */
function sameRecording(stored: unknown, incoming: Deployment): boolean {
  return canonicalJson(withIsoCreatedAt(stored)) === canonicalJson(withIsoCreatedAt(incoming));
}

function withIsoCreatedAt(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('createdAt' in body) || typeof body.createdAt !== 'string') return body;
  const ms = Date.parse(body.createdAt);
  return Number.isNaN(ms) ? body : { ...body, createdAt: new Date(ms).toISOString() };
}

/** Asking for a move the run machine forbids is a bug in the caller, not a lost race. */
function assertLegal(from: readonly RunStatus[], to: RunStatus): void {
  const illegal = from.filter((status) => !canTransition(status, to));
  if (from.length === 0 || illegal.length > 0) {
    throw new Error(`Illegal run transition: ${illegal.length > 0 ? illegal.join(', ') : '(no source status)'} → ${to}`);
  }
}

function assertEventFor(runId: string, event: TimelineEvent): void {
  if (event.runId !== runId) throw new Error(`Timeline event for run ${event.runId} passed with run ${runId}`);
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** The unique index that is the per-service lock (see migration 001). */
function isActiveRunConflict(error: unknown): boolean {
  return error instanceof Error && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('runs.service');
}
