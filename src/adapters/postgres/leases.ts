// The coordinator's leases in PostgreSQL. A claim is one conditional UPDATE, so of two replicas
// claiming at once exactly one wins (the second re-checks the row after the first commits). A
// fenced write locks the run row (FOR UPDATE) and compares owner and fence before writing, in the
// same transaction (or the same statement: one-statement-writes.ts): a claim by another replica
// either commits before the check (the write throws LeaseLostError) or waits until the write has
// committed.
import type pg from 'pg';
import { z } from 'zod';
import { LeaseLostError } from '../../core/errors.js';
import type { ClaimedLease, RunLease } from '../../core/ports.js';
import { toIsoUtc } from '../sqlite/iso-utc.js';
import { RUN_SELECT } from './run-rows.js';

const LEASE_COLUMNS = 'id, lease_owner, lease_fence, lease_expires_at';

const leaseRow = z.object({
  id: z.string(),
  lease_owner: z.string().nullable(),
  lease_fence: z.number().int(),
  lease_expires_at: z.string().nullable(),
});

export const LEASE_SQL = {
  // The last condition takes a run that holds exactly this claim (this owner, this expiry to the
  // millisecond), which only this call can have written: sent again after a connection broke
  // mid-flight, a claim that did commit is recognised (the fence grows once more) instead of being
  // refused as someone else's.
  // `before` is who held it (the newest version, after any concurrent claim committed; joined, so it
  // is read before the UPDATE): a takeover or not.
  claim: `
    WITH before AS (SELECT CASE WHEN lease_expires_at IS NOT NULL THEN lease_owner END AS owner FROM runs WHERE id = $1 FOR UPDATE)
    UPDATE runs SET lease_owner = $2, lease_fence = lease_fence + 1, lease_expires_at = $3
    FROM before
    WHERE id = $1 AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= $4
                       OR (lease_owner = $2 AND lease_expires_at = $3))
    RETURNING runs.id, runs.lease_owner, runs.lease_fence, runs.lease_expires_at, before.owner AS previous_owner`,
  renew: `
    UPDATE runs SET lease_expires_at = $4
    WHERE id = $1 AND lease_owner = $2 AND lease_fence = $3
    RETURNING ${LEASE_COLUMNS}`,
  release: `
    UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL
    WHERE id = $1 AND lease_owner = $2 AND lease_fence = $3`,
  leaseOf: `SELECT ${LEASE_COLUMNS} FROM runs WHERE id = $1`,
  claimable: `${RUN_SELECT}
    WHERE status = ANY($1::text[]) AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= $2)
    ORDER BY created_at, seq`,
  claimJob: `
    INSERT INTO job_leases (name, owner, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
    WHERE job_leases.expires_at <= $4`,
} as const;

export function leaseWindow(now: string, leaseMs: number): { now: string; expiresAt: string } {
  const at = toIsoUtc(now, 'lease time');
  return { now: at, expiresAt: new Date(Date.parse(at) + Math.max(0, Math.trunc(leaseMs))).toISOString() };
}

/** A row as a lease; undefined when there is no row or nobody holds the run. */
export function decodeLease(raw: unknown): RunLease | undefined {
  if (raw === undefined) return undefined;
  const row = leaseRow.parse(raw);
  if (row.lease_owner === null || row.lease_expires_at === null) return undefined;
  return { runId: row.id, owner: row.lease_owner, fence: row.lease_fence, expiresAt: row.lease_expires_at };
}

const previousOwner = z.object({ previous_owner: z.string().nullable() });

/** A claim's row as the lease it took; a takeover when another owner held it before (its lease expired). */
export function decodeClaim(raw: unknown, owner: string): ClaimedLease | undefined {
  const lease = decodeLease(raw);
  if (!lease) return undefined;
  const before = previousOwner.parse(raw).previous_owner;
  return { ...lease, takenOver: before !== null && before !== owner };
}

/** Inside a write transaction: locks the run row and throws unless its owner and fence are still the lease's. */
export async function assertFence(client: pg.ClientBase, lease: RunLease | undefined, runId: string): Promise<void> {
  if (!lease) return;
  assertLeaseFor(lease, runId);
  const result = await client.query(`${LEASE_SQL.leaseOf} FOR UPDATE`, [runId]);
  const current = decodeLease(result.rows[0]);
  if (!current || current.owner !== lease.owner || current.fence !== lease.fence) throw new LeaseLostError(runId, lease.fence);
}

/** A lease for another run is a bug in the caller, not a lost lease. */
export function assertLeaseFor(lease: RunLease | undefined, runId: string): void {
  if (lease && lease.runId !== runId) throw new Error(`lease for run ${lease.runId} passed with run ${runId}`);
}
