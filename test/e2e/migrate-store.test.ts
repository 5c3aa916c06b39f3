// `smartspec-rollback migrate-store` as an operator runs it: a real CLI process, a populated SQLite
// file, a real PostgreSQL database. What the bot reads afterwards must be what it read before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import type { Run, RunStatus } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { at, makeActor, makeDeployment, makeEvent, makeRun } from '../support/builders.js';
import { PROJECT_ROOT } from '../support/bot-process.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres-database.js';

const RUNS = 40;
const STATUSES: RunStatus[] = ['succeeded', 'failed', 'rejected', 'expired', 'interrupted', 'cancelled'];

let dir: string;
let file: string;
let database: TestDatabase;
const runIds: string[] = [];

/** As PostgreSQL stores it: NUL as U+FFFD. */
const storable = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('\\u0000', '\\ufffd')) as unknown;

function cli(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate-store', ...args], {
    cwd: PROJECT_ROOT,
    reject: false,
    env,
    extendEnv: false,
    timeout: 60_000,
  });
}

/** Runs with every kind of child row, deployments (one rolled back), webhooks: what a year of use leaves. */
async function populate(store: Store): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await store.saveDeployment(makeDeployment({ id: `deploy-${i}`, version: `v1.${i}.0`, createdAt: at(i), service: i % 2 ? 'checkout' : 'search' }));
  }
  for (let i = 0; i < RUNS; i++) {
    const id = `rb-${String(i).padStart(3, '0')}`;
    runIds.push(id);
    const status = STATUSES[i % STATUSES.length]!;
    const run: Run = makeRun({
      id,
      status,
      createdAt: at(10 + i),
      updatedAt: at(10 + i),
      plan: { service: `svc-${i % 7}` },
      approvals:
        i % 3 === 0
          ? [
              { userId: 'U0BOB', at: at(11 + i) },
              { userId: 'U0CAROL', at: at(11 + i) },
            ]
          : [],
      stepResults: i % 2 === 0 ? [{ index: 1, status: 'done', startedAt: at(12 + i), finishedAt: at(13 + i), detail: `step of ${id}` }] : [],
      ...(i % 4 === 0 ? { message: { channel: 'C0INCIDENTS', ts: `17636328${i}.000100` } } : {}),
      ...(status === 'failed' ? { verification: { phase: 'Failed' as const, checks: [], startedAt: at(14 + i), finishedAt: at(15 + i) } } : {}),
    });
    await store.createRun(run, makeEvent({ runId: id, at: at(10 + i) }));
    for (let e = 0; e < 3; e++) {
      await store.appendTimeline(
        makeEvent({ runId: id, type: `note-${e}`, at: at(20 + i - e), detail: `event ${e} of ${id}`, actor: makeActor({ id: `U${e}` }) }),
      );
    }
  }
  // SQLite keeps a NUL character PostgreSQL cannot store (pod logs, command output): copied as U+FFFD.
  await store.appendTimeline(makeEvent({ runId: 'rb-001', type: 'step_failed', at: at(90), detail: 'stderr: \u0000garbage' }));
  await store.markRolledBack('deploy-5', 'rb-000');
  await store.rememberEvent('pagerduty', 'evt-1', at(1));
  await store.rememberEvent('pagerduty', 'evt-2', at(2));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-migrate-'));
  file = join(dir, 'smartspec.db');
  database = await createTestDatabase();
  const sqlite = SqliteStore.open(file);
  await populate(sqlite);
  await sqlite.close();
});

afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrate-store', () => {
  it('refuses what it cannot do, with exit code 2 and what to give instead', async () => {
    const noFrom = await cli(['--to', database.url]);
    expect(noFrom.exitCode).toBe(2);
    expect(noFrom.stderr).toContain('--from is required');
    const missing = await cli(['--from', join(dir, 'nope.db'), '--to', database.url]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('does not exist');
    const notPostgres = await cli(['--from', file, '--to', 'mysql://root:pw@db/x']);
    expect(notPostgres.exitCode).toBe(2);
    expect(notPostgres.stderr).toContain('--to must be a PostgreSQL URL');
  });

  it('copies everything, prints equal counts for both sides, and the store reads the same history', async () => {
    // The URL from DATABASE_URL, as the docs recommend (a password on the command line shows in `ps`).
    const result = await cli(['--from', file], { DATABASE_URL: database.url });
    expect(result.stderr).not.toContain(new URL(database.url).password);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^table\s+sqlite\s+postgresql$/);
    const counts = Object.fromEntries(
      lines
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .map(([table, a, b, verdict]) => [table, [Number(a), Number(b), verdict]]),
    );
    expect(counts).toEqual({
      runs: [RUNS, RUNS, 'equal'],
      deployments: [6, 6, 'equal'],
      approvals: [28, 28, 'equal'],
      step_results: [RUNS / 2, RUNS / 2, 'equal'],
      timeline: [RUNS * 4 + 1, RUNS * 4 + 1, 'equal'],
      webhook_events: [2, 2, 'equal'],
    });

    const sqlite = SqliteStore.open(file);
    const postgres = await PostgresStore.open(database.url);
    try {
      for (const id of runIds) {
        expect(await postgres.getRun(id)).toEqual(await sqlite.getRun(id));
        expect(await postgres.timeline(id)).toEqual(storable(await sqlite.timeline(id)));
      }
      for (const service of ['checkout', 'search']) {
        expect(await postgres.listDeployments(service, 'production', 10)).toEqual(await sqlite.listDeployments(service, 'production', 10));
      }
      expect(await postgres.listRuns({ limit: 500 })).toEqual(await sqlite.listRuns({ limit: 500 }));
      expect(await postgres.rememberEvent('pagerduty', 'evt-1', at(3))).toBe(false);
      // New events go after the copied ones: the timeline's counter was moved past the copied ids.
      await postgres.appendTimeline(makeEvent({ runId: 'rb-000', type: 'after-migration', at: at(99) }));
      expect((await postgres.timeline('rb-000')).at(-1)?.type).toBe('after-migration');
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });

  it('refuses a target that already has data, with exit code 3, and changes nothing', async () => {
    const result = await cli(['--from', file, '--to', database.url]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /already has data \(runs: 40, deployments: 6, approvals: 28, step_results: 20, timeline: 162, webhook_events: 2\); migrate-store copies only into an empty database/,
    );
  });
});
