// Moves a SQLite database to PostgreSQL, row for row: every deployment, run, approval, step result,
// timeline event (with its id, so the audit trail keeps its order) and remembered webhook. Both
// sides are first brought to the same schema version, whose tables are the same on both stores
// (the migrations mirror each other), so the copy is driven by the column lists themselves. It is
// one transaction: a failure leaves the target empty, and a target that already holds data is
// refused rather than merged into.
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import { Sqlite } from '../sqlite/driver.js';
import { readSchemaVersion as readSqliteVersion } from '../sqlite/migrate.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import { describeDatabase } from './create-pool.js';
import { pgJson, pgParams } from './pg-text.js';
import { readSchemaVersion as readPostgresVersion } from './migrate.js';
import { PostgresStore } from './postgres-store.js';

/** In foreign-key order. Job leases are not copied: they are minutes-long claims, not history. */
export const COPIED_TABLES = ['runs', 'deployments', 'approvals', 'step_results', 'timeline', 'webhook_events'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

export interface TableCount {
  table: CopiedTable;
  source: number;
  target: number;
}

export class TargetNotEmptyError extends Error {
  override readonly name = 'TargetNotEmptyError';
}

const ROWS_PER_INSERT = 500;

export async function copySqliteToPostgres(sqliteFile: string, postgresUrl: string): Promise<TableCount[]> {
  // Opening each store applies its pending migrations, so both sides end at this build's version.
  await SqliteStore.open(sqliteFile).close();
  await (await PostgresStore.open(postgresUrl)).close();

  const source = new Sqlite(sqliteFile, { readonly: true, fileMustExist: true });
  const target = new pg.Client({ connectionString: postgresUrl });
  await target.connect();
  try {
    const where = describeDatabase(postgresUrl);
    const [from, to] = [readSqliteVersion(source), await readPostgresVersion(target)];
    if (from !== to) throw new Error(`${sqliteFile} is at schema version ${from} but ${where} is at ${to}: run the same release on both`);
    await target.query('BEGIN');
    try {
      // Nobody may write the target while it is filled (a bot started too early would interleave).
      await target.query(`LOCK TABLE ${COPIED_TABLES.join(', ')} IN EXCLUSIVE MODE`);
      const present = await countAll((table) => countPostgres(target, table));
      const nonEmpty = present.filter(([, n]) => n > 0);
      if (nonEmpty.length > 0) {
        throw new TargetNotEmptyError(
          `${where} already has data (${nonEmpty.map(([t, n]) => `${t}: ${n}`).join(', ')}); migrate-store copies only into an empty database, it never merges`,
        );
      }
      for (const table of COPIED_TABLES) await copyTable(source, target, table);
      await target.query(`SELECT setval(pg_get_serial_sequence('timeline', 'id'), coalesce(max(id), 0) + 1, false) FROM timeline`);
      await target.query('COMMIT');
    } catch (error) {
      await target.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    const counts: TableCount[] = [];
    for (const table of COPIED_TABLES) counts.push({ table, source: countSqlite(source, table), target: await countPostgres(target, table) });
    return counts;
  } finally {
    source.close();
    await target.end();
  }
}

async function copyTable(source: Database, target: pg.Client, table: CopiedTable): Promise<void> {
  const columns = await copiedColumns(source, target, table);
  const jsonColumns = new Set(
    (
      await target.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'jsonb'`,
        [table],
      )
    ).rows.map((r) => r.name),
  );
  // SQLite keeps NUL characters that PostgreSQL cannot: stored as U+FFFD, as PostgresStore stores them.
  const storable = (row: unknown[]) =>
    pgParams(row.map((value, i) => (typeof value === 'string' && jsonColumns.has(columns[i]!) ? pgJson(JSON.parse(value)) : value)));
  const list = columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  // rowid order is insertion order: the target's own insertion counters (seq) then keep it too.
  const rows = source
    .prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${table} ORDER BY rowid`)
    .raw()
    .iterate() as IterableIterator<unknown[]>;
  // Timeline ids are the audit trail's order and are referenced by nothing else: keep them as they were.
  const overriding = table === 'timeline' ? ' OVERRIDING SYSTEM VALUE' : '';
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
    await target.query(`INSERT INTO ${table} (${list})${overriding} VALUES ${values}`, batch.flat());
    batch = [];
  };
  for (const row of rows) {
    batch.push(storable(row));
    if (batch.length === ROWS_PER_INSERT) await flush();
  }
  await flush();
}

/** The table's columns, which must be the same on both sides (bar PostgreSQL's own insertion counter). */
async function copiedColumns(source: Database, target: pg.Client, table: CopiedTable): Promise<string[]> {
  const sqliteColumns = source.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
  const postgresColumns = (
    await target.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> 'seq' ORDER BY ordinal_position`,
      [table],
    )
  ).rows.map((r) => r.name);
  const missing = postgresColumns.filter((c) => !sqliteColumns.includes(c));
  const extra = sqliteColumns.filter((c) => !postgresColumns.includes(c));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `Table ${table} differs between the stores (only in PostgreSQL: ${missing.join(', ') || 'none'}; only in SQLite: ${extra.join(', ') || 'none'})`,
    );
  }
  return postgresColumns;
}

async function countAll(count: (table: CopiedTable) => Promise<number>): Promise<Array<[CopiedTable, number]>> {
  const result: Array<[CopiedTable, number]> = [];
  for (const table of COPIED_TABLES) result.push([table, await count(table)]);
  return result;
}

function countSqlite(db: Database, table: CopiedTable): number {
  return Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
}

async function countPostgres(client: pg.Client, table: CopiedTable): Promise<number> {
  return Number((await client.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
}
