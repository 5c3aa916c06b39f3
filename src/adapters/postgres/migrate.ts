// Brings a PostgreSQL database to the schema this build expects. Several replicas start at once in
// a rollout: a transaction-scoped advisory lock makes them take turns, so each migration is applied
// exactly once and a replica that waited finds the work done. DDL is transactional in PostgreSQL,
// so a failing migration leaves the previous version intact.
import type pg from 'pg';
import { SchemaTooNewError } from '../sqlite/migrate.js';
import type { SchemaMigration } from '../sqlite/migrations/schema-migration.js';

/** Any constant, the same in every build: pg_advisory_xact_lock's key for "migrating smartspec's schema". */
export const MIGRATION_LOCK_KEY = 7_347_101_602_113n;

export async function readSchemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return 0;
  const result = await client.query<{ version: number | null }>('SELECT max(version)::int AS version FROM schema_migrations');
  return result.rows[0]?.version ?? 0;
}

/** Applies what is pending; `where` names the database in errors (never with its password). */
export async function migrate(client: pg.ClientBase, where: string, migrations: readonly SchemaMigration[]): Promise<number> {
  assertContiguous(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const current = await readSchemaVersion(client);
    if (current > latest) throw new SchemaTooNewError(where, current, latest);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        await client.query(migration.sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${migration.name} failed on ${where}: ${reason}`, { cause: error });
      }
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    await client.query('COMMIT');
    return latest;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function assertContiguous(migrations: readonly SchemaMigration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`Schema migrations must be numbered 1, 2, 3…; ${migration.name} has version ${migration.version} at position ${i + 1}`);
    }
  });
}
