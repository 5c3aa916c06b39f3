// A write that is one statement: the fence check, the compare-and-set and the timeline entry folded
// into one prepared statement (one-statement-writes.ts), instead of four to six round trips.
//
// How it is sent depends on what a failure may mean:
// - Not idempotent (a move, an approval, a claim, a timeline entry): inside BEGIN … COMMIT, as
//   inTransaction does it. Nothing commits before COMMIT, so a connection that breaks earlier — the
//   common case after a restart or failover, a pooled connection the server has already ended — is
//   retried on a fresh one; only a break during COMMIT is CommitOutcomeUnknownError. Sent alone, the
//   statement would commit as it runs, and such a break (even the server's own 57P01, which can
//   follow a commit before its reply) would leave every write on a stale connection unknown:
//   measured, the store could no longer ride out a PostgreSQL restart.
// - Idempotent (a lease renewal, a release: running it twice leaves what running it once did): alone,
//   in one round trip, and retried after any break.
// Either way a statement the server aborted (serialization failure, deadlock) is retried, and any
// other error (a constraint, a timeout) is thrown as is.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { pgParams } from './pg-text.js';
import { inTransaction, retrying } from './transaction.js';

export interface StatementOptions {
  /** How long to keep retrying while the server is away (restart, failover) or aborts the statement. */
  retryForMs: number;
  /** Running it twice leaves what running it once did, so a break mid-flight may be retried. */
  idempotent?: boolean;
}

export async function oneStatement(pool: pg.Pool, options: StatementOptions, sql: string, params: unknown[]): Promise<pg.QueryResult> {
  const name = statementName(sql);
  if (!options.idempotent) {
    return inTransaction(pool, { retryForMs: options.retryForMs }, (client) => client.query({ name, text: sql, values: pgParams(params) }));
  }
  // pool.query hands a connection that broke back as broken, so the next attempt gets a fresh one.
  return retrying(options.retryForMs, () => pool.query({ name, text: sql, values: pgParams(params) }));
}

/**
 * Each connection prepares a statement once and runs it again by name (node-postgres remembers which
 * it prepared): the CTE statements are parsed and planned once per connection instead of per call.
 * The name is the text's hash, so two different texts never share one.
 */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `smartspec_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** The statements are a fixed set of texts: each is hashed once, not on every write. */
const statementNames = new Map<string, string>();
