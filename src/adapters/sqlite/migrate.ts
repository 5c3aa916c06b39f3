// Brings a database to the schema this build expects, or refuses one written by a newer build.
import type { Database } from 'better-sqlite3';
import type { SchemaMigration } from './migrations/index.js';

export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `Database ${file} has schema version ${found}, but this build of smartspec-rollback supports versions up to ${supported}. ` +
        'It was written by a newer release: run that release, or restore a backup taken before the upgrade.',
    );
  }
}

export function readSchemaVersion(db: Database): number {
  const version: unknown = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error(`PRAGMA user_version returned ${String(version)}`);
  return version;
}

/** Applies the pending migrations in one transaction, so a failure leaves the previous version intact. */
export function migrate(db: Database, file: string, migrations: readonly SchemaMigration[]): number {
  assertContiguous(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const seen = readSchemaVersion(db);
  if (seen > latest) throw new SchemaTooNewError(file, seen, latest);
  if (seen === latest) return latest;

  // Re-read under the write lock: another process may have migrated since the first read.
  const apply = db.transaction(() => {
    const current = readSchemaVersion(db);
    if (current > latest) throw new SchemaTooNewError(file, current, latest);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        db.exec(migration.sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${migration.name} failed on ${file}: ${reason}`, { cause: error });
      }
      db.pragma(`user_version = ${migration.version}`);
    }
    return latest;
  });
  return apply.immediate();
}

function assertContiguous(migrations: readonly SchemaMigration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`Schema migrations must be numbered 1, 2, 3…; ${migration.name} has version ${migration.version} at position ${i + 1}`);
    }
  });
}
