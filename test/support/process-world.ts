// The emulated world of bot-harness.ts (fake Slack, Kubernetes emulator, fake PagerDuty, the same
// tokens, catalog and cluster), but with the bot started as a separate process from its environment:
// it can be SIGKILLed, restarted on the same database, limited in file size, and measured alone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakePagerDuty, type FakePagerDuty } from '../../sandbox/pagerduty/fake-pagerduty.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { startFakeSocketMode, type FakeSocketMode } from '../../sandbox/slack/fake-socket-mode.js';
import { startSlackApiFront } from './slack-api-front.js';
import {
  API_TOKEN,
  APP_TOKEN,
  BOT_TOKEN,
  CHANNEL,
  DEFAULT_CATALOG,
  IMAGE,
  NAMESPACE,
  PD_TOKEN,
  PD_WEBHOOK_SECRET,
  SIGNING_SECRET,
  USERS,
  deploymentBody,
  type DeploymentInput,
} from './bot-harness.js';
import { startBotProcess, type BotProcess, type BotProcessOptions } from './bot-process.js';

export interface ProcessWorldOptions {
  catalog?: string;
  versions?: string[];
  failedBehaviour?: 'crash' | 'oom' | 'never-ready' | 'image-pull-error' | 'healthy';
  tickMs?: number;
  podStartMs?: number;
  logLevel?: string;
  /** More environment for the bot (NODE_OPTIONS, say). */
  env?: Record<string, string>;
  /** Node flags for every bot process of this world (the image's CMD gives `--liftoff-only`); a start may add more. */
  nodeFlags?: string[];
  /** Slack over Socket Mode (SLACK_APP_TOKEN): each bot process opens its own connection, and envelopes are spread across them. */
  socketMode?: boolean;
}

export interface ProcessWorld {
  readonly dir: string;
  readonly slack: FakeSlack;
  readonly k8s: KubernetesEmulator;
  readonly pagerDuty: FakePagerDuty;
  /** The fake Socket Mode endpoint, with `socketMode`. */
  readonly socketMode: FakeSocketMode | undefined;
  readonly databasePath: string;
  readonly env: Record<string, string>;
  /** The Node flags every bot process of this world starts with. */
  readonly nodeFlags: string[];
  /** The running bot; undefined before start and after a kill. */
  readonly bot: BotProcess | undefined;
  /** Every line every bot process of this world wrote, across restarts. */
  allLines(): string[];
  start(options?: Omit<BotProcessOptions, 'env'>): Promise<BotProcess>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  api(method: 'GET' | 'POST', path: string, body?: unknown, token?: string | null): Promise<{ status: number; json: any }>;
  recordDeployment(d: DeploymentInput): Promise<number>;
  recordStandardHistory(): Promise<void>;
  close(): Promise<void>;
}

export async function startProcessWorld(options: ProcessWorldOptions = {}): Promise<ProcessWorld> {
  const versions = options.versions ?? ['v1.1.0', 'v1.2.0', 'v1.2.1'];
  const dir = mkdtempSync(join(tmpdir(), 'smartspec-proc-'));
  const slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    users: Object.entries(USERS).map(([name, id]) => ({ id, name })),
    userGroups: { S0ONCALL: [USERS.groupMember] },
    channels: [{ id: CHANNEL, name: 'incidents' }],
  });
  const k8s = await startKubernetesEmulator({ tickMs: options.tickMs ?? 10, podStartMs: options.podStartMs ?? 40 });
  const pagerDuty = await startFakePagerDuty({ token: PD_TOKEN, from: 'oncall@example.com' });
  const socketMode = options.socketMode ? await startFakeSocketMode({ appToken: APP_TOKEN, spread: 'round-robin' }) : undefined;
  const slackApiFront = socketMode ? await startSlackApiFront(slack.apiUrl, socketMode.apiUrl) : undefined;
  if (socketMode) slack.setTransport(socketMode.transport);
  const live = versions[versions.length - 1]!;
  for (const [component, replicas] of [
    ['checkout-api', 3],
    ['checkout-worker', 2],
  ] as const) {
    k8s.seedDeployment({
      namespace: NAMESPACE,
      name: component,
      replicas,
      containers: [{ name: component, image: IMAGE(component, live) }],
      history: versions.map((v) => ({ images: { [component]: IMAGE(component, v) } })),
    });
  }
  if (options.failedBehaviour && options.failedBehaviour !== 'healthy') {
    k8s.setImageBehaviour(IMAGE('checkout-api', live), options.failedBehaviour, {
      logLines: ['starting checkout-api', 'connecting to postgres://checkout:hunter2@db:5432/shop'],
    });
  }
  writeFileSync(join(dir, 'kubeconfig'), k8s.kubeConfigYaml(), { mode: 0o600 });
  writeFileSync(join(dir, 'smartspec.yml'), options.catalog ?? DEFAULT_CATALOG);
  const databasePath = join(dir, 'data', 'smartspec.db');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SMARTSPEC_CONFIG: join(dir, 'smartspec.yml'),
    DATABASE_PATH: databasePath,
    KUBECONFIG: join(dir, 'kubeconfig'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'debug',
    SMARTSPEC_API_TOKEN: API_TOKEN,
    PAGERDUTY_TOKEN: PD_TOKEN,
    PAGERDUTY_WEBHOOK_SECRET: PD_WEBHOOK_SECRET,
    PAGERDUTY_FROM: 'oncall@example.com',
    PAGERDUTY_API_URL: pagerDuty.restUrl,
    PAGERDUTY_EVENTS_URL: pagerDuty.eventsUrl,
    ...(slackApiFront ? { SLACK_API_URL: slackApiFront.apiUrl, SLACK_APP_TOKEN: APP_TOKEN } : {}),
    ...options.env,
  };

  let bot: BotProcess | undefined;
  const earlierLines: string[] = [];
  let seen = 0;
  const drain = () => {
    if (!bot) return;
    earlierLines.push(...bot.lines.slice(seen));
    seen = bot.lines.length;
  };
  const nodeFlags = options.nodeFlags ?? [];
  const world: ProcessWorld = {
    dir,
    slack,
    k8s,
    pagerDuty,
    socketMode,
    databasePath,
    env,
    nodeFlags,
    get bot() {
      return bot;
    },
    allLines: () => [...earlierLines, ...(bot ? bot.lines.slice(seen) : [])],
    async start(startOptions = {}) {
      drain();
      bot = await startBotProcess({ ...startOptions, nodeFlags: [...nodeFlags, ...(startOptions.nodeFlags ?? [])], env });
      seen = 0;
      slack.setAppUrl(bot.url);
      return bot;
    },
    async kill(signal = 'SIGKILL') {
      if (!bot) return;
      await bot.kill(signal);
      drain();
      bot = undefined;
    },
    async api(method, path, body, token = API_TOKEN) {
      if (!bot) throw new Error('the bot is not running');
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
      return (await world.api('POST', '/api/v1/deployments', deploymentBody(d))).status;
    },
    async recordStandardHistory() {
      await world.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
      await world.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
      await world.recordDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' });
    },
    async close() {
      await world.kill('SIGKILL');
      await slack.close();
      await k8s.close();
      await pagerDuty.close();
      await slackApiFront?.close();
      await socketMode?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
