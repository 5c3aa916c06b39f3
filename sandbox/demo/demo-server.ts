// The whole demo in one process: the fake Slack, the emulated cluster, the real bot (startBot, SQLite
// file), and a page server on 127.0.0.1 that plays the part of the Slack client and shows the cluster.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { startBot, type RunningBot } from '../../src/bot.js';
import { startFakePagerDuty } from '../pagerduty/fake-pagerduty.js';
import { pagerDutyTrigger } from './pagerduty-trigger.js';

// Demo-only credentials: they guard nothing but this loopback sandbox.
const DEMO_PAGERDUTY_TOKEN = 'demo-pagerduty-token';
const DEMO_PAGERDUTY_WEBHOOK_SECRET = 'demo-pagerduty-webhook-secret';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../kubernetes/kubernetes-emulator.js';
import { startFakeSlack, type FakeSlack } from '../slack/fake-slack-web-api.js';
import { badDeployTrigger } from './bad-deploy-trigger.js';
import { checkoutHealth } from './checkout-health.js';
import { clusterSnapshot } from './cluster-snapshot.js';
import { DEMO_COMPONENTS, DEMO_NAMESPACE, DEMO_SERVICE, demoCatalog } from './demo-catalog.js';
import { createDemoRequestHandler } from './demo-http.js';
import { initialDemoState, postDeployment, recordPendingDeployments, seedCluster } from './demo-seed.js';
import {
  captureStorefront,
  initialStorefrontState,
  seedStorefront,
  STOREFRONT_NAMESPACE,
  STOREFRONT_SIDES,
  storefrontFirstDeployment,
  storefrontTrigger,
} from './storefront.js';
import { captureCluster, loadDemoState, resetDemoFiles, saveDemoState, type DemoState } from './demo-state-file.js';
import type { DemoTrigger } from './demo-trigger.js';
import { DEMO_API_TOKEN, DEMO_BOT_TOKEN, DEMO_CHANNEL, DEMO_COMMAND, DEMO_GROUPS, DEMO_SIGNING_SECRET, DEMO_USERS } from './demo-workspace.js';
import { LiveEvents } from './live-events.js';
import { captureSlackMessages, restoreSlackMessages } from './slack-history.js';
import { slackSnapshot } from './slack-snapshot.js';

export interface DemoServerOptions {
  /** Port for the page on 127.0.0.1; 0 picks a free one. */
  port: number;
  databasePath: string;
  /** Forget ./data/demo.db and the demo state first. */
  reset?: boolean;
  /** Emulator pacing. The defaults are slow enough to watch pods come and go. */
  tickMs?: number;
  podStartMs?: number;
  clusterThrottleMs?: number;
  /** Where the bot's JSON logs go; dropped when absent. */
  logStream?: Writable;
  logLevel?: string;
  now?: () => Date;
}

export interface DemoServer {
  url: string;
  bot: RunningBot;
  slack: FakeSlack;
  k8s: KubernetesEmulator;
  /** False when the state of an earlier run was picked up again. */
  fresh: boolean;
  close(): Promise<void>;
}

const PERSIST_EVERY_MS = 1_000;

export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const now = options.now ?? (() => new Date());
  const databasePath = options.databasePath;
  if (options.reset) resetDemoFiles(databasePath);
  let state = loadDemoState(databasePath);
  const fresh = state === undefined;
  if (!state) {
    // A database without matching demo state cannot be made consistent with a fresh cluster.
    resetDemoFiles(databasePath);
    state = initialDemoState(now());
  }
  mkdirSync(dirname(databasePath), { recursive: true });
  const closers = new Closers();
  try {
    return await start(options, state, fresh, now, closers);
  } catch (error) {
    await closers.closeAll();
    throw error;
  }
}

/** What has been started, stopped in reverse order; one failing stop does not keep the others running. */
class Closers {
  private readonly stack: Array<() => unknown> = [];

  push(close: () => unknown): void {
    this.stack.push(close);
  }

  async closeAll(): Promise<void> {
    while (this.stack.length > 0) {
      const close = this.stack.pop() as () => unknown;
      await Promise.resolve()
        .then(close)
        .catch(() => undefined);
    }
  }
}

async function start(options: DemoServerOptions, state: DemoState, fresh: boolean, now: () => Date, closers: Closers): Promise<DemoServer> {
  const databasePath = options.databasePath;
  const save = () => saveDemoState(databasePath, state);

  const slack = await startFakeSlack({
    botToken: DEMO_BOT_TOKEN,
    signingSecret: DEMO_SIGNING_SECRET,
    users: DEMO_USERS.map(({ id, name, realName }) => ({ id, name, ...(realName ? { realName } : {}) })),
    userGroups: Object.fromEntries(Object.entries(DEMO_GROUPS).map(([id, g]) => [id, g.members])),
    channels: [DEMO_CHANNEL],
  });
  closers.push(() => slack.close());
  restoreSlackMessages(slack, state.slackMessages);
  const k8s = await startKubernetesEmulator({ tickMs: options.tickMs ?? 100, podStartMs: options.podStartMs ?? 1_500 });
  closers.push(() => k8s.close());
  seedCluster(k8s, state);
  if (!state.storefront) {
    // A state file from before storefront existed: add it, and the record CI would have sent.
    state.storefront = initialStorefrontState();
    state.deployments.push({
      recorded: false,
      body: storefrontFirstDeployment(
        now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      ),
    });
  }
  seedStorefront(k8s, state.storefront);

  const componentNames = DEMO_COMPONENTS.map((c) => c.name);
  const snapshotCluster = () => ({
    ...clusterSnapshot(k8s, DEMO_NAMESPACE, componentNames),
    others: [{ ...clusterSnapshot(k8s, STOREFRONT_NAMESPACE, STOREFRONT_SIDES), warnings: [] }],
  });
  const live = new LiveEvents({ clusterSnapshot: snapshotCluster, clusterThrottleMs: options.clusterThrottleMs ?? 250 });
  closers.push(() => live.close());

  const pagerDuty = await startFakePagerDuty({ token: DEMO_PAGERDUTY_TOKEN, from: 'oncall@example.com' });
  closers.push(() => pagerDuty.close());

  let bot: RunningBot | undefined;
  const triggers: DemoTrigger[] = [
    badDeployTrigger({ k8s, botUrl: () => bot?.url ?? '', apiToken: DEMO_API_TOKEN, state, save, now }),
    pagerDutyTrigger({ pagerDuty, botUrl: () => bot?.url ?? '', webhookSecret: DEMO_PAGERDUTY_WEBHOOK_SECRET, now }),
    storefrontTrigger({
      k8s,
      now,
      state: () => state.storefront!,
      record: async (body) => {
        const entry = { recorded: false, body };
        state.deployments.push(entry);
        save();
        await postDeployment(bot?.url ?? '', DEMO_API_TOKEN, body);
        entry.recorded = true;
        save();
      },
    }),
  ];
  let authority = '';
  const page: Server = createServer(
    createDemoRequestHandler({
      slack,
      live,
      triggers,
      authority: () => authority,
      health: () => checkoutHealth(k8s, DEMO_NAMESPACE, 'checkout-api'),
      state: (userId) => ({
        me: userId,
        bot: { id: slack.identity.botUserId, name: slack.identity.botName },
        channel: DEMO_CHANNEL,
        users: DEMO_USERS,
        groups: Object.fromEntries(Object.entries(DEMO_GROUPS).map(([id, g]) => [id, g.handle])),
        suggestion: suggestedCommand(state),
        triggers: triggers.map(({ id, label, description, path }) => ({ id, label, description, path })),
        slack: slackSnapshot(slack, DEMO_CHANNEL.id, userId),
        cluster: snapshotCluster(),
      }),
    }),
  );
  await listen(page, options.port);
  closers.push(() => closeServer(page));
  const { port } = page.address() as AddressInfo;
  authority = `127.0.0.1:${port}`;
  const url = `http://${authority}`;

  // The page server exists before the bot so the catalog can point the HTTP health check at it.
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(k8s.kubeConfigYaml());
  bot = await startBot({
    botToken: DEMO_BOT_TOKEN,
    signingSecret: DEMO_SIGNING_SECRET,
    slackApiUrl: slack.apiUrl,
    apiToken: DEMO_API_TOKEN,
    databasePath,
    catalog: demoCatalog(`${url}/sandbox/checkout/healthz`),
    kubeConfig,
    logger: createLogger(options.logLevel ?? 'info', options.logStream ?? discard()),
    port: 0,
    host: '127.0.0.1',
    pagerDuty: {
      webhookSecret: DEMO_PAGERDUTY_WEBHOOK_SECRET,
      token: DEMO_PAGERDUTY_TOKEN,
      from: 'oncall@example.com',
      restUrl: pagerDuty.restUrl,
      eventsUrl: pagerDuty.eventsUrl,
    },
  });
  const running = bot;
  closers.push(() => running.stop());
  slack.setAppUrl(bot.url);
  await recordPendingDeployments(bot.url, DEMO_API_TOKEN, state, save);
  save();

  // Live updates, and cluster and channel written down now and then so a restart finds them as left.
  let persistTimer: NodeJS.Timeout | undefined;
  const persist = () => {
    state.cluster = captureCluster(k8s, DEMO_NAMESPACE);
    state.storefront = captureStorefront(k8s, state.storefront?.ships ?? 0);
    state.slackMessages = captureSlackMessages(slack);
    save();
  };
  const persistSoon = () => {
    persistTimer ??= setTimeout(() => {
      persistTimer = undefined;
      persist();
    }, PERSIST_EVERY_MS);
  };
  const stopSlack = slack.onChange((change) => {
    if (change.type === 'api_call') return;
    live.slackChanged(change.type);
    persistSoon();
  });
  const stopCluster = k8s.onChange(() => {
    live.clusterChanged();
    persistSoon();
  });
  // Runs before the emulator closes (closers run in reverse order).
  closers.push(() => {
    stopSlack();
    stopCluster();
    if (persistTimer) clearTimeout(persistTimer);
    persist();
  });

  return { url, bot, slack, k8s, fresh, close: () => closers.closeAll() };
}

/** The command for the newest failed deploy: what the composer offers to send. */
function suggestedCommand(state: DemoState): string {
  const failed = state.deployments.filter((d) => d.body.status === 'failed' && d.body.service === DEMO_SERVICE).at(-1);
  // Production rollbacks need a reason (the catalog's requireReasonIn defaults to [production]).
  return failed
    ? `${DEMO_COMMAND} --failed-deployment-id ${String(failed.body.id)} --reason "checkout ${String(failed.body.version)} is crash-looping"`
    : `${DEMO_COMMAND} help`;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}
