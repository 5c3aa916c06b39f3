// A store call of several statements is one transaction on one pooled connection (a write that is
// one statement runs on its own: one-statement.ts). A transaction that never reached
// COMMIT is rolled back by the server when its connection breaks, so it is safe to run again: that
// is what lets a replica ride out a PostgreSQL restart or failover without losing a write. A
// connection that breaks *during* COMMIT leaves the outcome unknown, which is reported, not guessed.
import type pg from 'pg';
import { pgParams } from './pg-text.js';

export interface TransactionOptions {
  /** How long to keep retrying a transaction the server could not run (restart, failover, deadlock). */
  retryForMs: number;
}

export class CommitOutcomeUnknownError extends Error {
  override readonly name = 'CommitOutcomeUnknownError';
}

// Connection refused or reset, the server shutting down or starting up, the pool's connect timeout.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
// Aborted by the server itself, nothing committed: serialization failure, deadlock.
const RETRY_CODES = new Set(['40001', '40P01']);

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect/i.test(error.message);
}

/** Nothing was committed and running it again is safe: the server was away, or aborted the work itself. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return isConnectionError(error) || (typeof code === 'string' && RETRY_CODES.has(code));
}

/** Runs `attempt` again, backing off, while it fails with what isRetryable calls safe to retry (bounded). */
export async function retrying<T>(retryForMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + retryForMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || Date.now() + delay > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** One read-only statement on its own (one snapshot), retried like a transaction while the server is away. */
export async function selectWithRetry(pool: pg.Pool, retryForMs: number, sql: string, params: unknown[]): Promise<unknown[]> {
  return retrying(retryForMs, async () => (await pool.query(sql, pgParams(params))).rows as unknown[]);
}

export async function inTransaction<T>(pool: pg.Pool, options: TransactionOptions, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.retryForMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 1_000)) {
    let outcome: { value: T } | { error: unknown };
    let client: pg.PoolClient | undefined;
    let broken = false;
    let committing = false;
    try {
      client = await pool.connect();
      await client.query('BEGIN');
      const value = await work(withTextParams(client));
      committing = true;
      await client.query('COMMIT');
      outcome = { value };
    } catch (error) {
      outcome = { error };
      broken = isConnectionError(error);
      if (client && !broken)
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
    } finally {
      client?.release(broken);
    }
    if ('value' in outcome) return outcome.value;
    const { error } = outcome;
    if (committing && broken) {
      throw new CommitOutcomeUnknownError('The database connection broke while committing; the write may or may not have been recorded', {
        cause: error,
      });
    }
    if (!isRetryable(error) || Date.now() + delay > deadline) throw error;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The client, with every query's parameters made storable (pg-text.ts); everything else untouched. */
function withTextParams(client: pg.PoolClient): pg.PoolClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') {
        return (sql: string, params?: unknown[]) => target.query(sql, params === undefined ? undefined : pgParams(params));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
