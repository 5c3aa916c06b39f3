// The whole product on loopback: the real bot (Bolt, Kubernetes client, SQLite file) against the fake
// Slack and the emulated Kubernetes API. Every test that drives a flow end to end starts one of these.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { startBot, type BotOptions, type RunningBot } from '../../src/bot.js';
import { openStore, type OpenedStore } from '../../src/adapters/open-store.js';
import { createTestDatabase } from './postgres-database.js';
import { parseCatalog } from '../../src/config/catalog.js';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import type { Clock } from '../../src/core/ports.js';
import { startFakePagerDuty, type FakePagerDuty } from '../../sandbox/pagerduty/fake-pagerduty.js';
import { startFakeSocketMode } from '../../sandbox/slack/fake-socket-mode.js';

export const BOT_TOKEN = 'xoxb-test-0000-harness-token';
export const SIGNING_SECRET = 'harness-signing-secret-0123456789';
export const API_TOKEN = 'harness-api-token-0123456789abcdef';
export const APP_TOKEN = 'xapp-1-A0FAKEAPP-harness-app-token';
export const PD_TOKEN = 'harness-pagerduty-token-0123';
export const PD_WEBHOOK_SECRET = 'harness-pagerduty-webhook-secret';
export const PD_ROUTING_KEY = 'R0UTINGKEY0123456789abcdefghijkl';
export const CHANNEL = 'C0INCIDENTS';
export const USERS = {
  requester: 'U0REQUEST',
  approver: 'U0APPROVE',
  second: 'U0SECOND',
  outsider: 'U0OUTSIDE',
  groupMember: 'U0ONCALL',
  ciBot: 'U0CIBOT',
} as const;
export const NAMESPACE = 'shop';
export const IMAGE = (component: string, version: string) => `registry.example/${component}:${version}`;

export const DEFAULT_CATALOG = `
services:
  checkout:
    environment: production
    channel: ${CHANNEL}
    kubernetes:
      namespace: ${NAMESPACE}
      deployments: [checkout-api, checkout-worker]
      core: [checkout-api]
    verification:
      timeoutSeconds: 20
    approvals:
      approvers: [${USERS.approver}, ${USERS.second}, S0ONCALL]
      required: 1
      highRiskRequired: 2
      allowSelfApproval: false
      autoApprove: [${USERS.ciBot}]
# The flows here are about other things; test/e2e/bad-version-guard.test.ts covers the default ([production]).
requireReasonIn: []
`;

export interface HarnessOptions {
  catalog?: string;
  /** Versions the cluster has deployed, oldest first; the last one is live (and is the failed deploy). */
  versions?: string[];
  failedBehaviour?: 'crash' | 'oom' | 'never-ready' | 'image-pull-error' | 'healthy';
  clock?: Clock;
  databasePath?: string;
  /** Slack over Socket Mode (SLACK_APP_TOKEN) instead of signed HTTP posts. */
  socketMode?: boolean;
  /** Replaces the default cluster (checkout-api and checkout-worker with `versions`). */
  seedCluster?: (k8s: KubernetesEmulator) => void;
  helm?: { binary: string; env: Record<string, string> };
  /** Extra bot options (e.g. `github` pointing at the GitHub emulator). */
  bot?: Partial<BotOptions>;
  /** The Alertmanager silence sweep's period (BotOptions.silenceSweepMs). */
  silenceSweepMs?: number;
}

export interface Harness {
  slack: FakeSlack;
  pagerDuty: FakePagerDuty;
  k8s: KubernetesEmulator;
  bot: RunningBot;
  databasePath: string;
  /** Set when the bot runs on PostgreSQL (SMARTSPEC_TEST_STORE=postgres or bot.databaseUrl). */
  databaseUrl: string | undefined;
  logLines: string[];
  api(method: 'GET' | 'POST', path: string, body?: unknown, token?: string | null): Promise<{ status: number; json: any }>;
  recordDeployment(d: DeploymentInput): Promise<number>;
  /** The bot's store opened from outside the bot, through the Store port, whichever engine it is. */
  openStore(): Promise<OpenedStore>;
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export interface DeploymentInput {
  id: string;
  version: string;
  createdAt: string;
  status?: 'succeeded' | 'failed' | 'in_progress';
  migrations?: Array<{ id: string; reversible: boolean; destructive: boolean; mayLoseData: boolean }>;
  verification?: Record<string, boolean>;
}

export function deploymentBody(d: DeploymentInput) {
  return {
    id: d.id,
    service: 'checkout',
    environment: 'production',
    version: d.version,
    gitSha: '9f1c2e7',
    status: d.status ?? 'succeeded',
    createdAt: d.createdAt,
    createdBy: 'ci',
    components: {
      'checkout-api': { image: IMAGE('checkout-api', d.version), replicas: 3 },
      'checkout-worker': { image: IMAGE('checkout-worker', d.version), replicas: 2 },
    },
    migrations: d.migrations ?? [],
    verification: d.verification ?? { smoke: true, acceptance: true, security: true, performance: true },
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const versions = options.versions ?? ['v1.1.0', 'v1.2.0', 'v1.2.1'];
  const dir = mkdtempSync(join(tmpdir(), 'smartspec-e2e-'));
  const databasePath = options.databasePath ?? join(dir, 'smartspec.db');
  // SMARTSPEC_TEST_STORE=postgres runs the same flows on PostgreSQL: a fresh database per harness.
  const database =
    options.bot?.databaseUrl === undefined && process.env['SMARTSPEC_TEST_STORE'] === 'postgres' ? await createTestDatabase() : undefined;
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });

  const slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    users: Object.entries(USERS).map(([name, id]) => ({ id, name })),
    userGroups: { S0ONCALL: [USERS.groupMember] },
    channels: [{ id: CHANNEL, name: 'incidents' }],
  });
  const k8s = await startKubernetesEmulator({ tickMs: 10, podStartMs: 40 });
  const pagerDuty = await startFakePagerDuty({ token: PD_TOKEN, from: 'oncall@example.com' });
  // Behaviours before the pods: the first container of a seeded pod must already misbehave (and log
  // what the failed version logs), not start healthy and only crash from its first restart on.
  const failedVersion = versions[versions.length - 1]!;
  if (options.failedBehaviour && options.failedBehaviour !== 'healthy') {
    k8s.setImageBehaviour(IMAGE('checkout-api', failedVersion), options.failedBehaviour, {
      logLines: ['starting checkout-api', 'connecting to postgres://checkout:hunter2@db:5432/shop', 'FATAL: relation "orders_v2" does not exist'],
    });
  }
  if (options.seedCluster) options.seedCluster(k8s);
  else
    for (const [component, replicas] of [
      ['checkout-api', 3],
      ['checkout-worker', 2],
    ] as const) {
      k8s.seedDeployment({
        namespace: NAMESPACE,
        name: component,
        replicas,
        containers: [{ name: component, image: IMAGE(component, versions[versions.length - 1]!) }],
        history: versions.map((v) => ({ images: { [component]: IMAGE(component, v) } })),
      });
    }

  const catalog = parseCatalog(options.catalog ?? DEFAULT_CATALOG, 'smartspec.yml');
  const socket = options.socketMode ? await startFakeSocketMode({ appToken: APP_TOKEN }) : undefined;
  if (socket) slack.setTransport(socket.transport);
  const start = async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(k8s.kubeConfigYaml());
    return startBot({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      slackApiUrl: slack.apiUrl,
      apiToken: API_TOKEN,
      databasePath,
      catalog,
      kubeConfig,
      logger: createLogger('debug', logStream),
      port: 0,
      host: '127.0.0.1',
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.helm ? { helm: options.helm } : {}),
      ...(options.silenceSweepMs ? { silenceSweepMs: options.silenceSweepMs } : {}),
      ...(socket ? { appToken: APP_TOKEN, socketModeApiUrl: socket.apiUrl } : {}),
      pagerDuty: {
        webhookSecret: PD_WEBHOOK_SECRET,
        token: PD_TOKEN,
        from: 'oncall@example.com',
        restUrl: pagerDuty.restUrl,
        eventsUrl: pagerDuty.eventsUrl,
        appUrl: pagerDuty.baseUrl,
      },
      ...(database ? { databaseUrl: database.url } : {}),
      ...options.bot,
    });
  };
  let bot = await start();
  slack.setAppUrl(bot.url);
  await socket?.connected();

  const harness: Harness = {
    slack,
    k8s,
    pagerDuty,
    databasePath,
    logLines,
    databaseUrl: options.bot?.databaseUrl ?? database?.url,
    get bot() {
      return bot;
    },
    async api(method, path, body, token = API_TOKEN) {
      const response = await fetch(`${bot.url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json };
    },
    async recordDeployment(d) {
      return (await harness.api('POST', '/api/v1/deployments', deploymentBody(d))).status;
    },
    openStore() {
      return openStore({ databasePath, databaseUrl: harness.databaseUrl });
    },
    async restartBot() {
      await bot.stop();
      bot = await start();
      slack.setAppUrl(bot.url);
    },
    async close() {
      await bot.stop().catch(() => undefined);
      await slack.close();
      await k8s.close();
      await pagerDuty.close();
      await socket?.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  } as Harness;
  return harness;
}

/** The standard history: two good deploys, then the failed one (deploy-12345) that is live now. */
export async function recordStandardHistory(h: Harness): Promise<void> {
  await h.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' });
}
