// Real processes, real file locks: the in-process tests interleave only between statements, while
// these overlap inside transactions and exercise BEGIN IMMEDIATE and busy_timeout for real.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { makeEvent, makeRun } from '../support/builders.js';

const ROOT = resolve(import.meta.dirname, '../..');
const STORE_MODULE = pathToFileURL(join(ROOT, 'src/adapters/sqlite/sqlite-store.ts')).href;
const WORKERS = 4;
const RUNS = 40;

// Each worker opens its own store, waits for "go" so all start together, then races on every run.
const WORKER_SOURCE = `
import { SqliteStore } from ${JSON.stringify(STORE_MODULE)};
const [file, name, runs] = process.argv.slice(2);
const store = SqliteStore.open(file);
process.stdout.write('ready\\n');
await new Promise((go) => process.stdin.once('data', go));
const won = [];
for (let i = 0; i < Number(runs); i++) {
  const runId = 'run-' + i;
  const event = { runId, at: new Date().toISOString(), actor: { kind: 'system', id: name }, type: 'approved', detail: name };
  if (await store.transition(runId, ['awaiting_approval'], 'approved', event)) won.push(runId);
}
await store.close();
process.stdout.write(JSON.stringify(won) + '\\n');
process.exit(0);
`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-sqlite-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Worker {
  ready: Promise<void>;
  go(): void;
  won: Promise<string[]>;
}

function startWorker(script: string, file: string, name: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', script, file, name, String(RUNS)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((done) => {
    markReady = done;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const won = new Promise<string[]>((done, fail) => {
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`worker ${name} exited ${code}: ${err}`));
      const last = out.trim().split('\n').at(-1) ?? '[]';
      done(z.array(z.string()).parse(JSON.parse(last)));
    });
  });
  return { ready: Promise.race([ready, won.then(() => undefined)]), go: () => child.stdin.end('go\n'), won };
}

it('lets exactly one of several processes win each transition', async () => {
  const file = join(dir, 'smartspec.db');
  const script = join(dir, 'worker.mjs');
  writeFileSync(script, WORKER_SOURCE);
  const store = SqliteStore.open(file);
  try {
    // One service each: the store allows one active run per service.
    for (let i = 0; i < RUNS; i++)
      await store.createRun(makeRun({ id: `run-${i}`, plan: { service: `svc-${i}` } }), makeEvent({ runId: `run-${i}` }));

    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(script, file, `worker-${i}`));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const won = (await Promise.all(workers.map((w) => w.won))).flat();

    expect([...won].sort()).toEqual(Array.from({ length: RUNS }, (_, i) => `run-${i}`).sort());
    for (let i = 0; i < RUNS; i++) {
      expect((await store.getRun(`run-${i}`))?.status).toBe('approved');
      expect((await store.timeline(`run-${i}`)).map((e) => e.type)).toEqual(['requested', 'approved']);
    }
  } finally {
    await store.close();
  }
});
