// GET /api/v1/rollbacks/:id/report over real HTTP, through Bolt's receiver as the app mounts it, from a
// run stored in a real SQLite file: the new evidence fields survive the store, secrets never leave.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRoutes } from '../../src/adapters/http/report-routes.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { renderMarkdownReport } from '../../src/core/report/markdown-report.js';
import { finishedEvents, finishedRun, RICH_EVIDENCE } from '../unit/report-fixtures.js';

const TOKEN = 'report-route-token-0123456789';
let dir: string;
let store: SqliteStore;
let receiver: HTTPReceiver;
let base: string;
const errors: unknown[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-report-'));
  store = SqliteStore.open(join(dir, 'smartspec.db'));
  const run = finishedRun(RICH_EVIDENCE);
  const events = finishedEvents();
  const { rootCause, verification, ...rest } = run;
  await store.createRun({ ...rest, status: 'awaiting_approval' }, events[0]!);
  for (const e of events.slice(1)) await store.appendTimeline(e);
  await store.saveVerification(run.id, verification!);
  await store.saveRootCause(run.id, rootCause!);
  const chain = ['awaiting_approval', 'approved', 'executing', 'verifying', 'succeeded'] as const;
  for (let i = 1; i < chain.length; i++)
    await store.transition(run.id, [chain[i - 1]!], chain[i]!, { ...events.at(-1)!, type: 'status', detail: 'test fixture' });
  for (const step of run.stepResults) await store.saveStepResult(run.id, step);
  receiver = new HTTPReceiver({
    signingSecret: 'unused-signing-secret',
    customRoutes: reportRoutes({
      store,
      logger: { info: () => undefined, warn: () => undefined, error: (o) => errors.push(o) },
      apiToken: TOKEN,
      newErrorId: () => 'err-1',
    }),
  });
  const server = (await receiver.start({ port: 0, host: '127.0.0.1' })) as Server;
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await receiver?.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, token: string | null = TOKEN) =>
  fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });

describe('GET /api/v1/rollbacks/:id/report', () => {
  it('answers the Markdown report of the stored run, as text/markdown', async () => {
    const response = await get('/api/v1/rollbacks/rb-fixture01/report');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const body = await response.text();
    const stored = await store.getRun('rb-fixture01');
    expect(body).toBe(renderMarkdownReport(stored!, await store.timeline('rb-fixture01')));
    expect(body).toContain('# Rollback report: checkout v1.2.1 → v1.2.0');
    expect(body).toContain('env var `FEATURE_FLAGS_URL` removed');
    expect(body).toContain('incident triggered: checkout 5xx rate above 5% for 3 minutes');
    expect(body).toContain('Time to detect: **11m 5s**');
    expect(body).not.toContain('swordfish');
  });

  it('keeps the new evidence fields through the SQLite round trip', async () => {
    const stored = await store.getRun('rb-fixture01');
    expect(stored?.rootCause?.diff).toEqual(RICH_EVIDENCE.diff);
    expect(stored?.rootCause?.release?.migrations.map((m) => m.id)).toEqual(['20261120_orders_v2']);
    expect(stored?.rootCause?.incident?.id).toBe('PINC123');
    expect(stored?.rootCause?.causes[0]?.kind).toBe('config_change');
  });

  it('answers the CLI tree with ?format=text', async () => {
    const response = await get('/api/v1/rollbacks/rb-fixture01/report?format=text');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toMatch(/^🔄 Rollback checkout v1\.2\.1 → v1\.2\.0 \(rb-fixture01\)\n├── /);
  });

  it.each([
    ['no token', null, 401, /^Missing bearer token/],
    ['a wrong token', 'wrong-token', 401, /token/i],
  ])('refuses %s', async (_name, token, status, error) => {
    const response = await get('/api/v1/rollbacks/rb-fixture01/report', token);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(error);
  });

  it('answers 404 for an unknown run and 400 for an unknown format', async () => {
    const missing = await get('/api/v1/rollbacks/rb-nope/report');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'No rollback run rb-nope.' });
    const format = await get('/api/v1/rollbacks/rb-fixture01/report?format=pdf');
    expect(format.status).toBe(400);
    expect(errors).toEqual([]);
  });
});
