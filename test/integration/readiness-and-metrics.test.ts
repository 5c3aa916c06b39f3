// /readyz, /metrics and the Bolt middlewares on a real Bolt HTTPReceiver, against the fake Slack,
// two emulated clusters and a real SQLite file: what the kubelet, Prometheus and on-call people see.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { App, HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRoutes } from '../../src/adapters/http/health-routes.js';
import { databaseCheck, slackAuthCheck } from '../../src/adapters/http/readiness-checks.js';
import { readinessRoutes } from '../../src/adapters/http/readiness-routes.js';
import { catalogContexts, clusterChecks } from '../../src/adapters/kubernetes/cluster-probe.js';
import { KubeClients } from '../../src/adapters/kubernetes/kube-clients.js';
import { KubernetesProvider } from '../../src/adapters/kubernetes/kubernetes-provider.js';
import { HelmProvider } from '../../src/adapters/helm/helm-provider.js';
import { correlationMiddleware, correlateRoutes } from '../../src/adapters/logging/correlation-middleware.js';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import { commandMetricsMiddleware } from '../../src/adapters/metrics/command-metrics.js';
import { instrumentChat, instrumentIncidents, instrumentProvider } from '../../src/adapters/metrics/instrument-ports.js';
import { instrumentStore } from '../../src/adapters/metrics/instrument-store.js';
import { Metrics } from '../../src/adapters/metrics/metrics.js';
import { metricsRoutes } from '../../src/adapters/metrics/metrics-routes.js';
import { SlackChatSurface } from '../../src/adapters/slack/slack-chat-surface.js';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { parseCatalog } from '../../src/config/catalog.js';
import type { IncidentService } from '../../src/core/ports.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { makeEvent, makeRun, T0 } from '../support/builders.js';
import { makeService } from '../support/services.js';

const BOT_TOKEN = 'xoxb-readiness-test-token';
const SIGNING_SECRET = 'readiness-signing-secret-0123456789';
const CHANNEL = 'C0INCIDENTS';
const CATALOG = parseCatalog(
  `
services:
  checkout:
    kubernetes: { context: prod, namespace: shop, deployments: [checkout-api] }
    approvals: { approvers: [U0APPROVE] }
  search:
    kubernetes: { context: staging, namespace: search, deployments: [search-api] }
    approvals: { approvers: [U0APPROVE] }
  billing:
    kubernetes: { namespace: billing, deployments: [billing-api] }
    approvals: { approvers: [U0APPROVE] }
`,
  'smartspec.yml',
);

let slack: FakeSlack;
let prod: KubernetesEmulator;
let staging: KubernetesEmulator;
let dir: string;
let store: SqliteStore;
let app: App;
let url: string;
let slackNow = 0;
const metrics = new Metrics();
const logLines: Array<Record<string, unknown>> = [];
const logger = createLogger(
  'debug',
  new Writable({
    write(chunk, _e, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  }),
);
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function mergedKubeConfig(): KubeConfig {
  const parts = [prod.kubeConfigYaml('prod'), staging.kubeConfigYaml('staging')].map((yaml) => {
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    return kc;
  });
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: parts.flatMap((p) => p.clusters),
    users: parts.flatMap((p) => p.users),
    contexts: parts.flatMap((p) => p.contexts),
    currentContext: 'prod',
  });
  return merged;
}

async function get(path: string): Promise<{ status: number; type: string; text: string; json: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
    ms: performance.now() - started,
  };
}

/** One sample of the exposition: `name{labels} value`. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    users: [{ id: 'U0REQUEST', name: 'alice' }],
    channels: [{ id: CHANNEL, name: 'incidents' }],
  });
  [prod, staging] = await Promise.all([startKubernetesEmulator({ tickMs: 10 }), startKubernetesEmulator({ tickMs: 10 })]);
  dir = mkdtempSync(join(tmpdir(), 'smartspec-readiness-'));
  store = SqliteStore.open(join(dir, 'smartspec.db'));
  const kubeClients = new KubeClients(mergedKubeConfig());
  const receiver = new HTTPReceiver({
    signingSecret: SIGNING_SECRET,
    customRoutes: correlateRoutes([
      ...healthRoutes(),
      ...readinessRoutes(
        [
          databaseCheck(instrumentStore(store, metrics)),
          slackAuthCheck({ auth: { test: () => app.client.auth.test() } }, { now: () => slackNow }),
          ...clusterChecks(kubeClients, catalogContexts(CATALOG, kubeClients)),
        ],
        { timeoutMs: 1_000 },
      ),
      ...metricsRoutes(metrics),
    ]),
  });
  app = new App({ token: BOT_TOKEN, receiver, clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } });
  app.use(correlationMiddleware());
  app.use(commandMetricsMiddleware(metrics));
  app.command('/smartspec_rollback', async ({ ack }) => {
    logger.info('command listener ran');
    await ack();
  });
  app.action('rollback_approve', async ({ ack }) => {
    await ack();
    logger.info('approve listener ran');
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  slack.setAppUrl(url);
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([slack?.close(), prod?.close(), staging?.close()]);
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('GET /readyz', () => {
  it('answers 200 with every check named and timed when all dependencies are up', async () => {
    const res = await get('/readyz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      status: 'ready',
      checks: [
        { name: 'database', ok: true, ms: expect.any(Number) },
        { name: 'slack', ok: true, ms: expect.any(Number) },
        { name: 'cluster:prod', ok: true, ms: expect.any(Number) },
        { name: 'cluster:staging', ok: true, ms: expect.any(Number) },
      ],
    });
    expect(res.text).not.toContain(BOT_TOKEN);
  });

  it('asks Slack at most once per 30 s while it is healthy', async () => {
    const before = slack.callsTo('auth.test').length;
    await get('/readyz');
    await get('/readyz');
    expect(slack.callsTo('auth.test').length).toBe(before);
    slackNow += 31_000;
    await get('/readyz');
    expect(slack.callsTo('auth.test').length).toBe(before + 1);
  });

  it('names slack when auth.test answers invalid_auth, and recovers at the next probe', async () => {
    slackNow += 31_000;
    slack.failNext('auth.test', 'invalid_auth');
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    expect(res.json.status).toBe('not_ready');
    expect(res.json.checks.find((c: any) => !c.ok)).toEqual({
      name: 'slack',
      ok: false,
      ms: expect.any(Number),
      error: 'auth.test failed: invalid_auth',
    });
    expect(res.json.checks.filter((c: any) => !c.ok)).toHaveLength(1);
    expect((await get('/readyz')).status).toBe(200);
  });

  it('names the cluster whose API server fails, and only that one', async () => {
    const fault = staging.injectFault({ pathPattern: /^\/version/, status: 503, times: 1 });
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    expect(res.json.checks.filter((c: any) => !c.ok)).toEqual([
      { name: 'cluster:staging', ok: false, ms: expect.any(Number), error: 'the API server answered HTTP 503' },
    ]);
    expect(fault.remaining).toBe(0);
  });

  it('bounds a hanging cluster by the check timeout', async () => {
    const fault = prod.injectFault({ pathPattern: /^\/version/, delayMs: 5_000, times: 1 });
    const res = await get('/readyz');
    fault.cancel();
    expect(res.status).toBe(503);
    expect(res.json.checks.find((c: any) => c.name === 'cluster:prod')).toMatchObject({ ok: false, error: 'timed out after 1000 ms' });
    expect(res.ms).toBeLessThan(3_000);
  });

  it('echoes a plausible X-Request-Id and makes one otherwise', async () => {
    const mine = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'ci-run-77' }, signal: AbortSignal.timeout(5_000) });
    expect(mine.headers.get('x-request-id')).toBe('ci-run-77');
    const fresh = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'not an id!' }, signal: AbortSignal.timeout(5_000) });
    expect(fresh.headers.get('x-request-id')).toMatch(/^req-[0-9a-f]{16}$/);
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus text format with our metrics and the process metrics', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'smartspec_commands_total',
      'smartspec_runs_total',
      'smartspec_approval_wait_seconds',
      'smartspec_rollback_duration_seconds',
      'smartspec_verification_duration_seconds',
      'smartspec_dependency_errors_total',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(sample(res.text, 'smartspec_runs_total', 'outcome="failed"')).toBe(0);
  });

  it('observes the approval wait, rollback and verification durations and the outcome, once per won transition', async () => {
    const runs = instrumentStore(store, metrics);
    const ev = (runId: string, type: string, seconds: number) => makeEvent({ runId, type, at: at(seconds), detail: type });
    const ok = makeRun({ id: 'rb-metrics-ok', createdAt: T0, updatedAt: T0 });
    expect(await runs.createRun(ok, ev(ok.id, 'requested', 0))).toBe('created');
    expect(await runs.transition(ok.id, ['awaiting_approval'], 'approved', ev(ok.id, 'approved', 42))).toMatchObject({ status: 'approved' });
    expect(await runs.transition(ok.id, ['awaiting_approval'], 'approved', ev(ok.id, 'approved', 43))).toBeUndefined(); // a second click
    await runs.transition(ok.id, ['approved'], 'executing', ev(ok.id, 'executing', 45));
    await runs.transition(ok.id, ['executing'], 'verifying', ev(ok.id, 'verifying', 75));
    await runs.transition(ok.id, ['verifying'], 'succeeded', ev(ok.id, 'succeeded', 85));

    const bad = makeRun({ id: 'rb-metrics-bad', createdAt: at(100), updatedAt: at(100) });
    await runs.createRun(bad, ev(bad.id, 'requested', 100));
    await runs.transition(bad.id, ['awaiting_approval'], 'approved', ev(bad.id, 'approved', 400));
    await runs.transition(bad.id, ['approved'], 'executing', ev(bad.id, 'executing', 400));
    await runs.transition(bad.id, ['executing', 'verifying'], 'failed', ev(bad.id, 'failed', 520));

    const text = (await get('/metrics')).text;
    expect(sample(text, 'smartspec_approval_wait_seconds_count')).toBe(2);
    expect(sample(text, 'smartspec_approval_wait_seconds_sum')).toBe(42 + 300);
    expect(sample(text, 'smartspec_approval_wait_seconds_bucket', 'le="60"')).toBe(1);
    expect(sample(text, 'smartspec_rollback_duration_seconds_count')).toBe(2);
    expect(sample(text, 'smartspec_rollback_duration_seconds_sum')).toBe(30 + 120);
    expect(sample(text, 'smartspec_verification_duration_seconds_count')).toBe(1);
    expect(sample(text, 'smartspec_verification_duration_seconds_sum')).toBe(10);
    expect(sample(text, 'smartspec_runs_total', 'outcome="succeeded"')).toBe(1);
    expect(sample(text, 'smartspec_runs_total', 'outcome="failed"')).toBe(1);
    expect((await store.getRun(ok.id))?.status).toBe('succeeded'); // the decorator changed nothing
  });

  it('counts Slack, Kubernetes, Helm and PagerDuty errors per operation, each provider under its own kind, and rethrows them unchanged', async () => {
    const chat = instrumentChat(new SlackChatSurface(app.client, { now: () => new Date() }), metrics);
    slack.failNext('chat.postMessage', 'channel_not_found');
    await expect(chat.postPlan(makeRun({ channel: 'C0NOWHERE' }))).rejects.toThrow(/channel_not_found/);

    const provider = instrumentProvider(
      new KubernetesProvider(new KubeClients(mergedKubeConfig()), { now: () => new Date() }),
      metrics,
      'kubernetes',
    );
    // A Helm failure (here: no helm executable) counts as helm, never as kubernetes.
    const helm = instrumentProvider(new HelmProvider({ clock: { now: () => new Date() }, helmBinary: '/nonexistent/helm' }), metrics, 'helm');
    const release = makeService({ name: 'payments', target: { kind: 'helm', release: 'payments', namespace: 'pay', timeoutSeconds: 30 } });
    await expect(helm.currentState(release, AbortSignal.timeout(5_000))).rejects.toThrow();
    prod.injectFault({ pathPattern: /\/deployments\/checkout-api/, status: 500, times: 1 });
    await expect(provider.currentState(CATALOG.services.get('checkout')!, AbortSignal.timeout(5_000))).rejects.toThrow();

    const pagerDutyDown = new Error('PagerDuty answered 503');
    const incidents = instrumentIncidents<IncidentService>(
      {
        addNote: async () => {
          throw pagerDutyDown;
        },
        timeline: async () => [],
        triggerAlert: async () => undefined,
      },
      metrics,
    );
    await expect(incidents.addNote('PINC1', 'note', AbortSignal.timeout(1_000))).rejects.toBe(pagerDutyDown);
    await incidents.timeline('PINC1', AbortSignal.timeout(1_000));

    const text = (await get('/metrics')).text;
    expect(sample(text, 'smartspec_dependency_errors_total', 'dependency="slack",operation="postPlan"')).toBe(1);
    expect(sample(text, 'smartspec_dependency_errors_total', 'dependency="kubernetes",operation="currentState"')).toBe(1);
    expect(sample(text, 'smartspec_dependency_errors_total', 'dependency="helm",operation="currentState"')).toBe(1);
    expect(sample(text, 'smartspec_dependency_errors_total', 'dependency="pagerduty",operation="addNote"')).toBe(1);
    expect(sample(text, 'smartspec_dependency_errors_total', 'dependency="pagerduty",operation="timeline"')).toBeUndefined();
  });
});

describe('Bolt middlewares', () => {
  it("count commands by kind and outcome, and put a request id on the listener's log lines", async () => {
    await slack.sendSlashCommand({ command: '/smartspec_rollback', text: 'status', userId: 'U0REQUEST', channelId: CHANNEL });
    await slack.sendSlashCommand({ command: '/smartspec_rollback', text: '--no-such-flag', userId: 'U0REQUEST', channelId: CHANNEL });
    const text = (await get('/metrics')).text;
    expect(sample(text, 'smartspec_commands_total', 'kind="status",outcome="ok"')).toBe(1);
    expect(sample(text, 'smartspec_commands_total', 'kind="invalid",outcome="usage_error"')).toBe(1);
    const lines = logLines.filter((l) => l['msg'] === 'command listener ran');
    expect(lines).toHaveLength(2);
    expect(lines[0]!['requestId']).toMatch(/^req-[0-9a-f]{16}$/);
    expect(lines[0]!['requestId']).not.toBe(lines[1]!['requestId']);
  });

  it('take the run id from an Approve click', async () => {
    const posted = await app.client.chat.postMessage({
      channel: CHANNEL,
      text: 'plan',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'rollback_approve', text: { type: 'plain_text', text: 'Approve' }, value: 'rb-clicked1' }],
        },
      ],
    });
    await slack.clickButton({ userId: 'U0REQUEST', channelId: CHANNEL, messageTs: posted.ts!, actionId: 'rollback_approve' });
    expect(logLines.find((l) => l['msg'] === 'approve listener ran')).toMatchObject({
      runId: 'rb-clicked1',
      requestId: expect.stringMatching(/^req-/),
    });
    expect(sample((await get('/metrics')).text, 'smartspec_commands_total', 'kind="approve",outcome="ok"')).toBe(1);
  });
});

describe('GET /readyz with the database closed', () => {
  it('names the database', async () => {
    await store.close();
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    expect(res.json.checks.filter((c: any) => !c.ok)).toEqual([
      { name: 'database', ok: false, ms: expect.any(Number), error: expect.stringMatching(/not open/) },
    ]);
  });
});
