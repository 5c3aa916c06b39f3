// One connection pool per process, from DATABASE_URL. pg reads the TLS settings from the URL
// (sslmode, sslrootcert, sslcert, sslkey), so operators configure TLS exactly as for psql.
import pg from 'pg';

export interface PoolOptions {
  /** Connections this replica may hold; the server's max_connections is shared by every replica. */
  max?: number;
  /** How long to wait for a connection (server down, pool exhausted) before a store call fails. */
  connectTimeoutMs?: number;
  /** Server-side bound on one statement, so a stuck query cannot hold a Slack acknowledgement forever. */
  statementTimeoutMs?: number;
  /**
   * A transaction left open this long is ended by the server. The store never waits on anything but
   * the database inside a transaction, so one that idles is a paused or wedged replica (SIGSTOP, a
   * long GC): without this, the row locks it holds would block every other replica's claims.
   */
  idleInTransactionTimeoutMs?: number;
  /** Idle connections break when the server restarts; told here instead of crashing the process. */
  onIdleError?: (error: Error) => void;
}

const JSON_OID = 114;
const JSONB_OID = 3802;
const INT8_OID = 20;

/**
 * JSON columns come back as text, to be parsed by the same row decoders as SQLite's (never cast);
 * bigint (identity, fence, counts) as a number, which it always fits.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === JSON_OID || oid === JSONB_OID) return (value: string) => value;
    if (oid === INT8_OID) return (value: string) => toSafeInteger(value);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 10_000,
    application_name: 'smartspec-rollback',
    types,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  // A connection cut while checked out but between queries (the server restarting, a failover)
  // emits 'error' on the client, not the pool: without a listener that is an uncaught exception
  // that would take the whole bot down with the database. The query in flight, if any, still fails.
  pool.on('connect', (client) => client.on('error', (error) => options.onIdleError?.(error)));
  return pool;
}

/** `database smartspec on db.internal:5432`: for messages and logs, never with the password. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    const name = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
    return `PostgreSQL database ${name} on ${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`;
  } catch {
    return 'PostgreSQL database (unparseable URL)';
  }
}

function toSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`bigint ${text} does not fit a JavaScript number`);
  return value;
}
