// `npm run bench`: the real bot (compiled, in its own process) against the emulators on loopback.
// Prints one table and writes bench/results.json. Figures are measured here and nowhere asserted.
//
//   BENCH_QUICK=1                 small counts, to check the benchmark itself works (about a minute)
//   BENCH_ONLY=planning,memory    run only these scenarios (planning, planning-postgres, rollback, blue-green, kubectl, startup, memory, postgres, takeover, throughput)
//   npm run bench -- --only planning   the same, as an argument (also --only=planning)
//   BENCH_ROLLBACKS=1000          rollbacks for the memory figure
//   BENCH_MEMORY_MINUTES=10       stop the memory run there, and say how many it reached
import { join } from 'node:path';
import { buildBot } from './build.js';
import { currentLoad, machineInfo } from './machine.js';
import { renderTable, writeResults, type BenchResults, type Row } from './report.js';
import { benchBlueGreen } from './scenarios/blue-green.js';
import { benchGradual } from './scenarios/gradual.js';
import { benchKubectlCompare } from './scenarios/kubectl-compare.js';
import { benchMemory } from './scenarios/memory.js';
import { benchPlanning } from './scenarios/planning.js';
import { benchRollbackPath } from './scenarios/rollback-path.js';
import { benchStartup } from './scenarios/startup.js';
import { benchTakeover } from './scenarios/takeover.js';
import { benchThroughput } from './scenarios/throughput.js';
import { benchPostgres } from './postgres-server.js';
import { createTestDatabase } from '../test/support/postgres-database.js';
import { shippedRuntime } from '../test/support/image-defaults.js';
import { PROJECT_ROOT } from '../test/support/bot-process.js';
import type { BotRuntime } from './bot-runtime.js';

const quick = process.env['BENCH_QUICK'] === '1';
const onlyArg = process.argv.indexOf('--only');
const onlyInline = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = (onlyInline ?? (onlyArg >= 0 ? process.argv[onlyArg + 1] : process.env['BENCH_ONLY']))
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

const settings = {
  quick,
  planning: quick
    ? { services: 20, deploymentsPerService: 50, runsPerService: 25, clusterServices: 12, planSamples: 5, ackRounds: { 1: 5, 50: 1, 200: 1, 500: 1 } }
    : {
        services: 100,
        deploymentsPerService: 100,
        runsPerService: 50,
        clusterServices: 60,
        planSamples: 50,
        ackRounds: { 1: 50, 50: 6, 200: 3, 500: 2 },
      },
  // readingMs: the approver reads the plan for a second before clicking (rollback-cycle.ts says why).
  rollback: { cycles: quick ? 3 : 20, podStartMs: 200, tickMs: 10, readingMs: 1_000 },
  blueGreen: { cycles: quick ? 3 : 20, podStartMs: 200, tickMs: 10 },
  gradual: { cycles: quick ? 3 : 10, podStartMs: 200, tickMs: 10 },
  kubectl: { pairs: quick ? 2 : 10, replicas: 3, podStartMs: 200, tickMs: 10 },
  startup: { starts: quick ? 2 : 10 },
  takeover: { cycles: quick ? 2 : 10, leaseSeconds: [3, 15], podStartMs: 300, tickMs: 10 },
  throughput: { batch: quick ? 6 : 24, rounds: quick ? 1 : 3, podStartMs: 100, tickMs: 10 },
  memory: {
    rollbacks: envNumber('BENCH_ROLLBACKS', quick ? 20 : 1_000),
    maxMinutes: envNumber('BENCH_MEMORY_MINUTES', quick ? 2 : 10),
    services: 8,
    concurrency: 4,
  },
  // NODE_OPTIONS and the like as the Dockerfile and deploy/kubernetes set them, and the Node flags of the image's
  // CMD. Every scenario runs the bot with exactly these, as production does; only the second memory row leaves
  // them out, to show what they do.
  imageRuntime: shippedRuntime(PROJECT_ROOT),
};

/** A scenario's options with the bot run as the image and the manifests run it (settings.imageRuntime). */
function asShipped<T extends object>(options: T): T & Required<BotRuntime> {
  return { ...options, ...settings.imageRuntime };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  log(`building the bot (the production bundle, scripts/bundle.ts)…`);
  const entry = await buildBot();
  const scenarios: Array<[string, () => Promise<Row[]>]> = [
    ['planning', () => benchPlanning(entry, asShipped(settings.planning), log)],
    // Command → plan again with the same store on PostgreSQL (DATABASE_URL), next to the SQLite rows.
    [
      'planning-postgres',
      () =>
        onPostgres((databaseUrl) => benchPlanning(entry, asShipped({ ...settings.planning, ackRounds: {}, databaseUrl, store: 'PostgreSQL' }), log)),
    ],
    ['rollback', () => benchRollbackPath(entry, asShipped(settings.rollback), log)],
    ['blue-green', () => benchBlueGreen(entry, asShipped(settings.blueGreen), log)],
    ['gradual', () => benchGradual(entry, asShipped(settings.gradual), log)],
    ['kubectl', () => benchKubectlCompare(settings.kubectl, log)],
    ['memory', () => benchMemory(entry, asShipped({ ...settings.memory, label: 'image defaults', measuresTarget: true }), log)],
    // The same without them (plain `node dist/main.mjs` on this 24 GiB machine): V8 then sizes its heap to
    // the machine, not to the live objects, and compiles undici's WebAssembly twice — the difference is the settings' doing.
    ['memory', () => benchMemory(entry, { ...settings.memory, label: 'no heap settings' }, log)],
    ['startup', () => benchStartup(entry, asShipped(settings.startup), log)],
    // The execution path again, on PostgreSQL (DATABASE_URL), next to the SQLite rows above.
    ['postgres', () => rollbackOnPostgres(entry)],
    ['takeover', () => benchTakeover(entry, asShipped(settings.takeover), log)],
    // Rollbacks per second: one bot on SQLite, 1 and 3 replicas on PostgreSQL.
    ['throughput', () => benchThroughput(entry, asShipped(settings.throughput), log)],
  ];
  const rows: Row[] = [];
  for (const [name, scenario] of scenarios) {
    if (only && !only.includes(name)) continue;
    log(`${name}…`);
    rows.push(...(await scenario()));
  }
  const results: BenchResults = {
    machine: { ...machine, loadAtEnd: currentLoad() },
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    settings,
    rows,
  };
  const path = join(import.meta.dirname, 'results.json');
  writeResults(path, results);
  process.stdout.write(`${renderTable(results)}\n\nWritten to ${path}\n`);
}

function rollbackOnPostgres(entry: string): Promise<Row[]> {
  return onPostgres((databaseUrl) => benchRollbackPath(entry, asShipped({ ...settings.rollback, databaseUrl, store: 'PostgreSQL' }), log));
}

/** A fresh database on the benchmark's PostgreSQL server for one scenario, dropped after it. */
async function onPostgres(scenario: (databaseUrl: string) => Promise<Row[]>): Promise<Row[]> {
  const postgres = await benchPostgres();
  try {
    const database = await createTestDatabase(postgres.adminUrl);
    try {
      return await scenario(database.url);
    } finally {
      await database.drop();
    }
  } finally {
    await postgres.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
