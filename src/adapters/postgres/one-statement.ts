// A write that is one statement runs without BEGIN/COMMIT: PostgreSQL runs a lone statement as its
// own transaction, all or nothing, in one round trip instead of three or more.
//
// What a failure means is not the same as inside inTransaction, though. There, nothing commits until
// COMMIT is sent, so any break before it is safe to retry. A lone statement commits as soon as it
// has run, and the reply can be lost after that: once the statement was sent, a broken connection
// (or the server terminating the session, 57P01, which can arrive after the commit and before the
// reply) leaves the outcome unknown, exactly like a break during COMMIT. So:
// - no connection could be had (pool.connect failed): nothing was sent, retried;
// - the server aborted the statement (serialization failure, deadlock): nothing committed, retried;
// - the connection broke after sending: CommitOutcomeUnknownError — never retried blindly — unless
//   the statement is idempotent (running it twice leaves what running it once did: a lease renewal,
//   a release), which is then retried as before;
// - any other error (a constraint, a timeout): the statement was rolled back, thrown as is.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { pgParams } from './pg-text.js';
import { CommitOutcomeUnknownError, isConnectionError, isRetryable } from './transaction.js';

export interface StatementOptions {
  /** How long to keep retrying while the server is away (restart, failover) or aborts the statement. */
  retryForMs: number;
  /** Running it twice leaves what running it once did, so a break mid-flight may be retried. */
  idempotent?: boolean;
}

export async function oneStatement(pool: pg.Pool, options: StatementOptions, sql: string, params: unknown[]): Promise<pg.QueryResult> {
  const deadline = Date.now() + options.retryForMs;
  const name = statementName(sql);
  for (let delay = 25; ; delay = Math.min(delay * 2, 1_000)) {
    let failure: unknown;
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
    } catch (error) {
      failure = error;
    }
    if (client) {
      let broken = false;
      try {
        return await client.query({ name, text: sql, values: pgParams(params) });
      } catch (error) {
        broken = isConnectionError(error);
        if (broken && !options.idempotent && !neverSent(error)) {
          throw new CommitOutcomeUnknownError('The database connection broke while a write was in flight; it may or may not have been recorded', {
            cause: error,
          });
        }
        failure = error;
      } finally {
        client.release(broken);
      }
    }
    if (!isRetryable(failure) || Date.now() + delay > deadline) throw failure;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * Each connection prepares a statement once and runs it again by name (node-postgres remembers which
 * it prepared): the CTE statements are parsed and planned once per connection instead of per call.
 * The name is the text's hash, so two different texts never share one.
 */
function statementName(sql: string): string {
  return `smartspec_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
}

/** node-postgres refuses, without sending anything, a query on a client that has already closed. */
function neverSent(error: unknown): boolean {
  return error instanceof Error && /not queryable/i.test(error.message);
}
