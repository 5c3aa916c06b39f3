// Database rollback as plan steps: backup first, down migrations newest first, then the application.
import { describe, expect, it } from 'vitest';
import { migrationsToUndo } from '../../src/core/database-steps.js';
import type { ComponentState, DeployState, Migration } from '../../src/core/model.js';
import { buildPlan } from '../../src/core/plan.js';
import { checkMigrations } from '../../src/core/safety.js';
import { makeDeployment } from '../support/builders.js';
import { makeService } from '../support/services.js';

const image = (c: string, v: string) => `registry.example/${c}:${v}`;
const component = (name: string): ComponentState => ({
  name,
  images: [image(name, 'v1.2.1')],
  revision: 3,
  desiredReplicas: 3,
  readyReplicas: 3,
  updatedReplicas: 3,
  rolloutInProgress: false,
  history: [
    { revision: 3, images: [image(name, 'v1.2.1')] },
    { revision: 2, images: [image(name, 'v1.2.0')] },
  ],
});
const state: DeployState = { components: [component('checkout-api'), component('checkout-worker')] };
const migration = (id: string, o: Partial<Migration> = {}): Migration => ({ id, reversible: true, destructive: false, mayLoseData: false, ...o });
const target = makeDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z', migrations: [] });
const middle = makeDeployment({
  id: 'deploy-300',
  version: 'v1.2.0-hotfix',
  createdAt: '2026-11-19T12:00:00Z',
  migrations: [migration('m1_add_orders_v2'), migration('m2_add_index')],
});
const failed = makeDeployment({
  id: 'deploy-12345',
  version: 'v1.2.1',
  createdAt: '2026-11-20T10:30:00Z',
  status: 'failed',
  migrations: [migration('m3_backfill')],
});
const database = { backup: ['./db.sh', 'backup', '{service}', '{runId}'], migrateDown: ['./db.sh', 'down', '{migration}'], timeoutSeconds: 600 };

function plan(undone = [failed, middle], withDatabase = true) {
  const service = makeService(withDatabase ? { database } : {});
  const checks = [checkMigrations({ service, failed, target, undone, state, activeRun: undefined })];
  return buildPlan({ service, failed, target, state, checks, undone, reason: undefined, dryRun: false, now: new Date('2026-11-20T10:40:00Z') });
}

describe('database steps', () => {
  it('orders the migrations to undo newest first, each once', () => {
    const again = makeDeployment({ createdAt: '2026-11-20T11:00:00Z', migrations: [migration('m2_add_index')] });
    expect(migrationsToUndo([failed, middle]).map((m) => m.id)).toEqual(['m3_backfill', 'm2_add_index', 'm1_add_orders_v2']);
    expect(migrationsToUndo([middle, again]).map((m) => m.id)).toEqual(['m2_add_index', 'm1_add_orders_v2']);
  });

  it('backs up, migrates down newest first, then rolls the application back', () => {
    const p = plan();
    expect(p.steps.map((s) => [s.index, s.kind, s.component])).toEqual([
      [1, 'database_backup', 'database'],
      [2, 'database_migrate_down', 'database'],
      [3, 'database_migrate_down', 'database'],
      [4, 'database_migrate_down', 'database'],
      [5, 'rollout_undo', 'checkout-api'],
      [6, 'rollout_undo', 'checkout-worker'],
    ]);
    expect(p.steps[1]).toMatchObject({ migration: 'm3_backfill', argv: ['./db.sh', 'down', '{migration}'] });
    expect(p.steps[1]?.description).toContain('./db.sh down m3_backfill');
    expect(p.components).toEqual(['checkout-api', 'checkout-worker']);
    expect(p.checks.find((c) => c.id === 'migrations')?.message).toContain(
      'migrates down m3_backfill, m2_add_index, m1_add_orders_v2 (newest first)',
    );
  });

  it('adds nothing without a database block, or without migrations to undo', () => {
    expect(plan(undefined, false).steps.map((s) => s.kind)).toEqual(['rollout_undo', 'rollout_undo']);
    expect(plan(undefined, false).checks.find((c) => c.id === 'migrations')?.message).toContain('run their down migrations');
    expect(plan([makeDeployment({ migrations: [] })]).steps.map((s) => s.kind)).toEqual(['rollout_undo', 'rollout_undo']);
  });

  it('keeps the data-loss warning when the owner allows it, and adds what the plan does', () => {
    const service = makeService({ database, preserveDataMigrations: false });
    const undone = [makeDeployment({ ...failed, migrations: [migration('m9_drop_legacy', { mayLoseData: true })] })];
    const checks = [checkMigrations({ service, failed, target, undone, state, activeRun: undefined })];
    const p = buildPlan({ service, failed, target, state, checks, undone, reason: undefined, dryRun: false, now: new Date('2026-11-20T10:40:00Z') });
    const message = p.checks.find((c) => c.id === 'migrations')!;
    expect(message.outcome).toBe('warn');
    expect(message.message).toMatch(
      /may lose data.*With the catalog's database steps, the plan backs the database up, then migrates down m9_drop_legacy/,
    );
    expect(p.steps.map((s) => s.kind).slice(0, 2)).toEqual(['database_backup', 'database_migrate_down']);
  });

  it.each([
    ['irreversible', { reversible: false }],
    ['destructive', { destructive: true }],
    ['data-losing', { mayLoseData: true }],
  ])('still blocks an %s migration, with no database steps', (_name, o) => {
    const p = plan([makeDeployment({ ...failed, migrations: [migration('m9', o)] })]);
    expect(p.checks.find((c) => c.id === 'migrations')?.outcome).toBe('block');
    expect(p.steps.some((s) => s.component === 'database')).toBe(false);
  });
});
