// The coordinator's leases in SQLite (migration 003): claims, renewals and fence checks, each one
// statement inside the store's IMMEDIATE write transaction, so two processes cannot both win.
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { LeaseLostError } from '../../core/errors.js';
import type { RunLease } from '../../core/ports.js';
import { toIsoUtc } from './iso-utc.js';

export type LeaseStatements = ReturnType<typeof prepareLeaseStatements>;

const leaseRow = z.object({
  id: z.string(),
  lease_owner: z.string().nullable(),
  lease_fence: z.number().int(),
  lease_expires_at: z.string().nullable(),
});

export function prepareLeaseStatements(db: Database) {
  return {
    claim: db.prepare(`
      UPDATE runs SET lease_owner = @owner, lease_fence = lease_fence + 1, lease_expires_at = @expiresAt
      WHERE id = @runId AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now)
      RETURNING id, lease_owner, lease_fence, lease_expires_at`),
    renew: db.prepare(`
      UPDATE runs SET lease_expires_at = @expiresAt
      WHERE id = @runId AND lease_owner = @owner AND lease_fence = @fence
      RETURNING id, lease_owner, lease_fence, lease_expires_at`),
    release: db.prepare(`
      UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL
      WHERE id = @runId AND lease_owner = @owner AND lease_fence = @fence`),
    leaseOf: db.prepare('SELECT id, lease_owner, lease_fence, lease_expires_at FROM runs WHERE id = ?'),
    claimable: db.prepare(`
      SELECT * FROM runs
      WHERE status IN (SELECT value FROM json_each(@statuses))
        AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now)
      ORDER BY created_at, rowid`),
    claimJob: db.prepare(`
      INSERT INTO job_leases (name, owner, expires_at) VALUES (@name, @owner, @expiresAt)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE job_leases.expires_at <= @now`),
  };
}

export function leaseWindow(now: string, leaseMs: number): { now: string; expiresAt: string } {
  const at = toIsoUtc(now, 'lease time');
  return { now: at, expiresAt: new Date(Date.parse(at) + Math.max(0, Math.trunc(leaseMs))).toISOString() };
}

/** A row as a lease; undefined when nobody holds the run. */
export function decodeLease(raw: unknown): RunLease | undefined {
  if (raw === undefined) return undefined;
  const row = leaseRow.parse(raw);
  if (row.lease_owner === null || row.lease_expires_at === null) return undefined;
  return { runId: row.id, owner: row.lease_owner, fence: row.lease_fence, expiresAt: row.lease_expires_at };
}

/** Inside a write transaction: throws unless the run's stored owner and fence are still the lease's. */
export function assertFence(sql: LeaseStatements, lease: RunLease | undefined, runId: string): void {
  if (!lease) return;
  if (lease.runId !== runId) throw new Error(`lease for run ${lease.runId} passed with run ${runId}`);
  const current = decodeLease(sql.leaseOf.get(runId));
  if (!current || current.owner !== lease.owner || current.fence !== lease.fence) throw new LeaseLostError(runId, lease.fence);
}
