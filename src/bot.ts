// Wires the real parts together and starts them. main.ts calls this with the environment; tests,
// the demo and the benchmark call it with emulator addresses. Nothing here reads process.env.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger as PinoLogger } from 'pino';
import { buildApp, type AppConfig, type BuiltApp } from './app.js';
import { ServiceHealthChecker } from './adapters/health/health-checker.js';
import { KubeClients } from './adapters/kubernetes/kube-clients.js';
import { KubernetesProvider } from './adapters/kubernetes/kubernetes-provider.js';
import { CommandProvider } from './adapters/command/command-provider.js';
import { DatabaseStepRunner } from './adapters/command/database-step-runner.js';
import { HelmProvider } from './adapters/helm/helm-provider.js';
import { ProviderRouter } from './adapters/provider-router.js';
import { openStore, type OpenedStore } from './adapters/open-store.js';
import { databaseCheck } from './adapters/http/readiness-checks.js';
import { catalogContexts, clusterChecks } from './adapters/kubernetes/cluster-probe.js';
import { instrumentDependency, instrumentIncidents, instrumentProvider } from './adapters/metrics/instrument-ports.js';
import { instrumentStore } from './adapters/metrics/instrument-store.js';
import { Metrics } from './adapters/metrics/metrics.js';
import { instrumentAlertmanager, instrumentPrometheus } from './adapters/metrics/instrument-peers.js';
import { PagerDutyIncidentService } from './adapters/pagerduty/pagerduty-incident-service.js';
import type { Clock } from './core/ports.js';
import type { Catalog } from './core/service.js';
import { EventFanout } from './core/coordinator/event-fanout.js';
import { IncidentNotesSubscriber } from './core/coordinator/incident-notes.js';
import { DatabaseStepNotes } from './core/database-step-notes.js';
import { FollowUpIssueSubscriber } from './core/follow-up/follow-up-issue.js';
import { GitHubIssues } from './adapters/github/github-issues.js';
import { rehearsalRoutes } from './adapters/http/rehearsal-routes.js';
import { KubernetesAccessReview } from './adapters/kubernetes/access-review.js';
import { exposeReadiness } from './adapters/metrics/readiness-gauge.js';
import { SlackReadinessNotifier } from './adapters/slack/slack-readiness-notifier.js';
import { ReadinessBoard } from './core/rehearsal/readiness.js';
import { rehearsalJobs, type RehearsalDeps } from './core/rehearsal/rehearsals.js';
import { expiryJob, reminderJob, reshowJob } from './core/coordinator/periodic-jobs.js';
import { RunCoordinator } from './core/coordinator/run-coordinator.js';
import { addCorrelation, withCorrelation } from './adapters/logging/correlation.js';
import { AlertmanagerHttpClient } from './adapters/alertmanager/alertmanager-client.js';
import { PrometheusHttpQuerier } from './adapters/prometheus/prometheus-querier.js';
import type { PeerCredentials } from './adapters/peer-auth/peer-credentials.js';
import { SilenceKeeper } from './core/silences/silence-keeper.js';
import { silenceSweepJob } from './core/silences/silence-sweep-job.js';

/** The Slack and API settings of the app, plus what the bot wires around it. */
export interface BotOptions extends Omit<AppConfig, 'pagerDutyWebhookSecret'> {
  databasePath: string;
  /** DATABASE_URL: PostgreSQL instead of the SQLite file at databasePath; several replicas may share it. */
  databaseUrl?: string;
  /** RUN_LEASE_SECONDS: a run whose owner stopped is claimed again within two of these (default 15). */
  runLeaseSeconds?: number;
  /** How often one replica sweeps Alertmanager for silences whose run ended (default a minute; tests shorten it). */
  silenceSweepMs?: number;
  /** This replica's name in run leases; default host name, pid and a random suffix. */
  replicaId?: string;
  catalog: Catalog;
  kubeConfig: KubeConfig;
  logger: PinoLogger;
  port: number;
  host: string;
  clock?: Clock;
  pagerDuty?: PagerDutyOptions;
  /** The helm executable (default `helm` on PATH) and extra environment; it inherits KUBECONFIG. */
  helm?: { binary?: string; env?: Record<string, string> };
  /** GITHUB_TOKEN and GITHUB_API_URL: follow-up issues for services with `followUp.github`. */
  github?: { token: string; apiUrl?: string };
  /** What the bot presents to Prometheus and Alertmanager, by URL: the catalog's `auth`, resolved at start. */
  peerCredentials?: PeerCredentials;
}

export interface PagerDutyOptions {
  webhookSecret?: string;
  /** Without a token the bot still takes webhooks, but writes no notes and raises no alerts. */
  token?: string;
  from?: string;
  restUrl: string;
  eventsUrl?: string;
  /** The Slack integration's API base (PAGERDUTY_APP_URL): which incidents a channel is linked to. */
  appUrl?: string;
}

export interface RunningBot {
  url: string;
  built: BuiltApp;
  store: OpenedStore;
  metrics: Metrics;
  coordinator: RunCoordinator;
  stop(): Promise<void>;
}

// Executions stop at their next await once aborted; this bounds a stuck one, well inside a kubelet's 30 s grace.
const SHUTDOWN_GRACE_MS = 5_000;

export const systemClock: Clock = { now: () => new Date() };

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const ALPHABET_LENGTH = ID_ALPHABET.length;

/** Short, unguessable, readable in Slack: `rb-` and 12 base32 characters. */
export function newRunId(): string {
  return 'rb-' + [...randomBytes(12)].map((b) => ID_ALPHABET[b % ALPHABET_LENGTH]).join('');
}

/** Under which an unexpected error is logged: `err-…`, so nobody mistakes it for a run id. */
export function newErrorId(): string {
  return 'err-' + [...randomBytes(10)].map((b) => ID_ALPHABET[b % ALPHABET_LENGTH]).join('');
}

const DEFAULT_RUN_LEASE_SECONDS = 15;

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const metrics = new Metrics();
  const events = new EventFanout(logger);
  const leaseMs = (options.runLeaseSeconds ?? DEFAULT_RUN_LEASE_SECONDS) * 1000;
  const owner = options.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const store = instrumentStore(
    await openStore(options, {
      onConnectionError: (err) => logger.warn({ err }, 'an idle database connection broke; the next call reconnects'),
    }),
    metrics,
  );
  const pd = options.pagerDuty;
  const incidents = pd?.token
    ? instrumentIncidents(
        new PagerDutyIncidentService({
          token: pd.token,
          restUrl: pd.restUrl,
          ...(pd.from ? { from: pd.from } : {}),
          ...(pd.eventsUrl ? { eventsUrl: pd.eventsUrl } : {}),
          ...(pd.appUrl ? { appUrl: pd.appUrl } : {}),
        }),
        metrics,
      )
    : undefined;
  const kubeClients = new KubeClients(options.kubeConfig);
  const credentials = options.peerCredentials ? { credentials: options.peerCredentials } : {};
  const prometheus = new PrometheusHttpQuerier(credentials);
  const readiness = [databaseCheck(store), ...clusterChecks(kubeClients, catalogContexts(options.catalog, kubeClients))];
  // Each provider is counted under its own kind, so a Helm failure is not reported as Kubernetes.
  const provider = new ProviderRouter(
    {
      kubernetes: instrumentProvider(new KubernetesProvider(kubeClients, clock, undefined, prometheus), metrics, 'kubernetes'),
      helm: instrumentProvider(
        new HelmProvider({
          clock,
          ...(options.helm?.binary ? { helmBinary: options.helm.binary } : {}),
          ...(options.helm?.env ? { env: options.helm.env } : {}),
        }),
        metrics,
        'helm',
      ),
      command: instrumentProvider(new CommandProvider({ clock }), metrics, 'command'),
    },
    instrumentDependency(new DatabaseStepRunner({ clock }), metrics, 'database'),
    instrumentDependency(new KubernetesAccessReview(options.kubeConfig), metrics, 'kubernetes'),
  );
  // Rollback readiness: rehearsals record here; the Slack notifier is set once the app exists.
  const board = new ReadinessBoard();
  exposeReadiness(board, metrics);
  const rehearsal: RehearsalDeps = { store, provider, clock, logger, catalog: options.catalog, board };
  const built = buildApp(
    // BotOptions carries AppConfig's settings itself (it extends it): handed over, not copied field by field.
    { ...options, pagerDutyWebhookSecret: options.pagerDuty?.webhookSecret },
    {
      store,
      provider,
      health: new ServiceHealthChecker(prometheus),
      clock,
      logger,
      catalog: options.catalog,
      newRunId,
      newErrorId,
      events,
      correlate: addCorrelation,
      ...(incidents ? { incidents } : {}),
      prometheus: instrumentPrometheus(prometheus, metrics),
    },
    logger,
    { metrics, readiness, routes: rehearsalRoutes({ rehearsal, catalog: options.catalog, logger, apiToken: options.apiToken, newErrorId }) },
  );
  rehearsal.notifier = new SlackReadinessNotifier(built.app.client);
  if (incidents) events.subscribe(new IncidentNotesSubscriber({ incidents, chat: built.deps.chat, catalog: options.catalog, logger }));
  // Alertmanager silences while a run changes production; services without `alertmanager` are skipped.
  const silences = new SilenceKeeper({
    store,
    catalog: options.catalog,
    clock,
    logger,
    alertmanager: instrumentAlertmanager(new AlertmanagerHttpClient(credentials), metrics),
    runLink: (run) => built.deps.chat.permalink(run),
    tell: (run, text) => built.deps.chat.postThreadNote(run, text),
  });
  events.subscribe(silences);
  events.subscribe(new DatabaseStepNotes(built.deps.chat));
  if (options.github)
    events.subscribe(
      new FollowUpIssueSubscriber({
        tracker: new GitHubIssues(options.github),
        store,
        chat: built.deps.chat,
        catalog: options.catalog,
        clock,
        logger,
      }),
    );
  // Every line logged while a run is driven carries its runId, whoever started it (Slack, API, PagerDuty).
  const coordinator = new RunCoordinator(built.deps, {
    owner,
    leaseMs,
    pollMs: Math.max(200, Math.floor(leaseMs / 3)),
    scope: (runId, drive) => withCorrelation({ runId }, drive),
  });
  coordinator.register(expiryJob(built.deps));
  coordinator.register(reminderJob(built.deps));
  coordinator.register(reshowJob(built.deps, owner, leaseMs));
  coordinator.register(silenceSweepJob(silences, options.silenceSweepMs));
  for (const job of rehearsalJobs(rehearsal)) coordinator.register(job);
  built.deps.nudge = (runId, approved) => coordinator.nudge(runId, approved);
  const url = await built.start(options.port, options.host);
  // Runs left approved, executing or verifying by a process that stopped are claimed here (at once
  // when it released them, after their lease expires when it was killed) and resumed or reported.
  coordinator.start();
  // Logged last: whoever waits for this line (a supervisor, a test) finds the bot fully started.
  logger.info({ url, slack: options.appToken ? 'socket mode' : 'http' }, 'smartspec-rollback is listening');

  return {
    url,
    built,
    store,
    metrics,
    coordinator,
    // SIGTERM: stop taking requests and finish the answers in flight (acks Slack waits for), tell
    // runs to stop between steps and release their leases, wait (bounded), then close the database.
    stop: async () => {
      await built.stop();
      await coordinator.stop(SHUTDOWN_GRACE_MS);
      // Chat updates and notes still queued (delivered in the background, each bounded) go out first.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        events.delivered(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      await store.close();
    },
  };
}
