// Database rollback as plan steps (catalog `database`): the old version may need the old schema, so the
// plan backs the database up, then undoes each reversible migration newest first, and only then
// touches the application. Irreversible, destructive and data-losing migrations are not handled
// here: the migrations check blocks those plans, and people roll the schema back by hand.
import type { Deployment, Migration, SafetyCheck, StepAction } from './model.js';
import type { Service } from './service.js';

export const DATABASE_COMPONENT = 'database';

export type DatabaseDraft = StepAction & { component: string; description: string; expectedSeconds: number };

/** Step kinds that act on the database rather than the deployed application. */
export function isDatabaseStep(step: { kind: string }): step is Extract<StepAction, { kind: 'database_backup' | 'database_migrate_down' }> {
  return step.kind === 'database_backup' || step.kind === 'database_migrate_down';
}

/**
 * The migrations to undo, newest first: `undone` holds the deployments after the target up to the
 * failed one (any order); within a deployment, migrations are listed in the order they ran. A
 * migration shipped again by a later deploy is undone once, at its newest place.
 */
export function migrationsToUndo(undone: readonly Deployment[]): Migration[] {
  const applied = [...undone].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).flatMap((d) => d.migrations);
  const newestFirst = applied.reverse();
  return newestFirst.filter((m, i) => newestFirst.findIndex((n) => n.id === m.id) === i);
}

/** Backup and down-migration steps, or none when the service has no `database` block or nothing to undo. */
export function databaseSteps(service: Service, undone: readonly Deployment[]): DatabaseDraft[] {
  const db = service.database;
  const migrations = migrationsToUndo(undone);
  if (!db || migrations.length === 0) return [];
  const seconds = db.timeoutSeconds;
  return [
    {
      kind: 'database_backup',
      argv: db.backup,
      component: DATABASE_COMPONENT,
      description: `Back up the database: \`${db.backup.join(' ')}\`.`,
      expectedSeconds: Math.min(seconds, 300),
    },
    ...migrations.map(
      (m): DatabaseDraft => ({
        kind: 'database_migrate_down',
        migration: m.id,
        argv: db.migrateDown,
        component: DATABASE_COMPONENT,
        description: `Migrate down \`${m.id}\`: \`${db.migrateDown.join(' ').replaceAll('{migration}', m.id)}\`.`,
        expectedSeconds: Math.min(seconds, 120),
      }),
    ),
  ];
}

/**
 * With database steps in the plan, the migrations warning says what the plan does about them instead
 * of asking people to do it by hand (a data-losing migration keeps its warning, with the plan added).
 * Blocks and other checks are left exactly as they are.
 */
export function describeDatabaseSteps(checks: SafetyCheck[], steps: readonly DatabaseDraft[], undone: readonly Deployment[]): SafetyCheck[] {
  const downs = steps.flatMap((s) => (s.kind === 'database_migrate_down' ? [s.migration] : []));
  if (downs.length === 0) return checks;
  const what = `the plan backs the database up, then migrates down ${downs.join(', ')} (newest first) before it touches the application; a failed migration stops the rollback there.`;
  const lossy = migrationsToUndo(undone).some((m) => m.mayLoseData);
  return checks.map((c) => {
    if (c.id !== 'migrations' || c.outcome !== 'warn') return c;
    return {
      ...c,
      message: lossy
        ? `${c.message} With the catalog's database steps, ${what}`
        : `${downs.length} reversible migration(s) after the target: ${what}`,
    };
  });
}
