// A write that is one statement: the fence check, the compare-and-set and the timeline entry folded
// into one prepared statement (one-statement-writes.ts), sent alone: one round trip, no BEGIN/COMMIT.
//
// Sent alone, a statement commits as it runs, so a connection that breaks mid-flight (a restart, a
// failover, the stale pooled connection either leaves behind, even the server's own 57P01 after a
// commit) leaves its outcome unknown. What happens then is the write's own answer (`AfterBreak`):
// - 'run-again': running it twice leaves what running it once did (a lease renewal or release, a
//   step result, a timeline entry under its key, a claim that recognises its own expiry). Retried.
// - 'ask': the write recorded a timeline entry under a fresh key. On a fresh connection, in a
//   transaction, the run row is locked first — which waits for the broken attempt if the server is
//   still running it — and then the key is looked up with a new snapshot: found, the write committed
//   and its answer is `applied`; not found, it never will, and the statement is sent again.
// - 'transaction': neither (a periodic job's claim): sent inside BEGIN … COMMIT, so a break before
//   COMMIT is retried and only a break during COMMIT is CommitOutcomeUnknownError.
// Any other error (a constraint, a timeout) is thrown as is.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { pgParams } from './pg-text.js';
import { inTransaction, isRetryable, retrying } from './transaction.js';

export type AfterBreak =
  | { kind: 'run-again' }
  | { kind: 'ask'; runId: string; entryKey: string; applied: Record<string, unknown> }
  | { kind: 'transaction' };

export interface StatementOptions {
  /** How long to keep retrying while the server is away (restart, failover) or aborts the statement. */
  retryForMs: number;
  afterBreak: AfterBreak;
}

export interface StatementResult {
  rows: unknown[];
  rowCount: number | null;
}

export async function oneStatement(pool: pg.Pool, options: StatementOptions, sql: string, params: unknown[]): Promise<StatementResult> {
  const query = { name: statementName(sql), text: sql, values: pgParams(params) };
  const { afterBreak } = options;
  if (afterBreak.kind === 'transaction') return inTransaction(pool, { retryForMs: options.retryForMs }, (client) => client.query(query));
  // pool.query hands a connection that broke back as broken, so the next attempt gets a fresh one.
  if (afterBreak.kind === 'run-again') return retrying(options.retryForMs, () => pool.query(query));
  try {
    return await pool.query(query);
  } catch (error) {
    // A statement the server aborted (serialization failure, deadlock) committed nothing either way.
    if (!isRetryable(error)) throw error;
  }
  return inTransaction(pool, { retryForMs: options.retryForMs }, async (client): Promise<StatementResult> => {
    await client.query('SELECT 1 FROM runs WHERE id = $1 FOR UPDATE', [afterBreak.runId]);
    const recorded = await client.query('SELECT 1 FROM timeline WHERE entry_key = $1', [afterBreak.entryKey]);
    if ((recorded.rowCount ?? 0) > 0) return { rows: [afterBreak.applied], rowCount: 1 };
    return client.query(query);
  });
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
