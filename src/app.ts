// buildApp(config, core): the Bolt app with our listeners, on HTTP or Socket Mode, plus our own routes.
// No I/O happens at import time; start() listens, stop() drains.
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver, type webApi } from '@slack/bolt';
import type { Logger as PinoLogger } from 'pino';
import type { EventFanout } from './core/coordinator/event-fanout.js';
import { PlanMessageSubscriber } from './core/coordinator/plan-message.js';
import type { UseCaseDeps } from './core/use-cases/deps.js';
import { onIncidentEvent } from './core/use-cases/on-incident.js';
import { apiRoutes } from './adapters/http/api-routes.js';
import { healthRoutes } from './adapters/http/health-routes.js';
import { reportRoutes } from './adapters/http/report-routes.js';
import { slackAuthCheck } from './adapters/http/readiness-checks.js';
import { readinessRoutes, type ReadinessCheck } from './adapters/http/readiness-routes.js';
import { RouteServer } from './adapters/http/route-server.js';
import { boltLogger } from './adapters/logging/bolt-logger.js';
import { correlateRoutes, correlationMiddleware } from './adapters/logging/correlation-middleware.js';
import { commandMetricsMiddleware } from './adapters/metrics/command-metrics.js';
import { instrumentChat, instrumentDirectory } from './adapters/metrics/instrument-ports.js';
import type { Metrics } from './adapters/metrics/metrics.js';
import { metricsRoutes } from './adapters/metrics/metrics-routes.js';
import { pagerDutyWebhookRoutes } from './adapters/pagerduty/webhook-route.js';
import { registerDecisionActions } from './adapters/slack/listeners/decision-actions.js';
import { acknowledgeCommand, registerRollbackCommand, SLASH_COMMAND } from './adapters/slack/listeners/rollback-command.js';
import { registerRunControlActions } from './adapters/slack/listeners/run-control-actions.js';
import { registerUnknownActions } from './adapters/slack/listeners/unknown-actions.js';
import { SlackApproverDirectory } from './adapters/slack/slack-approver-directory.js';
import { SlackChatSurface } from './adapters/slack/slack-chat-surface.js';
import { SlackThreadNotes } from './adapters/slack/slack-thread-notes.js';
import { slashCommandPreAck } from './adapters/slack/slash-command-pre-ack.js';

export interface AppConfig {
  botToken: string;
  signingSecret: string;
  slackApiUrl: string;
  /** Set → Socket Mode (no public URL needed); unset → HTTP at POST /slack/events. */
  appToken?: string;
  /** Where Socket Mode asks for its WebSocket URL; defaults to slackApiUrl. */
  socketModeApiUrl?: string;
  apiToken: string | undefined;
  pagerDutyWebhookSecret: string | undefined;
}

/** Everything but the Slack-backed ports, which need the Bolt app; `events` takes subscribers here. */
export type CoreDeps = Omit<UseCaseDeps, 'chat' | 'directory' | 'events'> & { events: EventFanout };

export interface BuiltApp {
  app: App;
  deps: UseCaseDeps;
  start(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

// How long a stop waits for acked commands still being planned. With the server's own 5 s, the
// coordinator's 5 s and the event deliveries' 5 s (bot.ts) a stop stays under 23 s: inside the
// 30 s the Deployment gives it (terminationGracePeriodSeconds).
const COMMAND_DRAIN_MS = 8_000;

// An incident tool must not sit in Slack's default 30-minute retry schedule: fail fast, say so, move on.
const SLACK_RETRY: webApi.RetryOptions = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 };

export function buildApp(
  config: AppConfig,
  core: CoreDeps,
  logger: PinoLogger,
  observability: { metrics: Metrics; readiness: ReadinessCheck[]; routes?: CustomRoute[] },
): BuiltApp {
  const newErrorId = core.newErrorId;
  const { metrics } = observability;
  const receiver: Receiver & { requestListener?: HTTPReceiver['requestListener'] } = config.appToken
    ? new SocketModeReceiver({
        appToken: config.appToken,
        logger: boltLogger(logger),
        installerOptions: { clientOptions: { slackApiUrl: config.socketModeApiUrl ?? config.slackApiUrl } },
      })
    : new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: ['/slack/events'], logger: boltLogger(logger) });
  const app = new App({
    token: config.botToken,
    receiver,
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: config.slackApiUrl, retryConfig: SLACK_RETRY, timeout: 10_000 },
  });
  // The use cases' dependencies, built once: the core's, plus the two ports that need the Bolt client.
  const deps: UseCaseDeps = {
    ...core,
    chat: instrumentChat(new SlackChatSurface(app.client, core.clock, core.catalog, core.store), metrics),
    directory: instrumentDirectory(new SlackApproverDirectory(app.client, core.clock), metrics),
  };
  const useCases = () => deps;
  // Run events reach Slack through these subscribers: the plan message and reports (domain data the
  // chat surface renders); the Slack adapter's thread renderer subscribes here too.
  core.events.subscribe(new PlanMessageSubscriber(deps.chat));
  core.events.subscribe(new SlackThreadNotes(app.client, core.store));
  app.use(correlationMiddleware());
  app.use(commandMetricsMiddleware(metrics));
  registerRollbackCommand(app, deps, newErrorId);
  registerDecisionActions(app, deps, newErrorId);
  registerRunControlActions(app, deps, newErrorId);
  registerUnknownActions(app, core.logger);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  const routes: CustomRoute[] = correlateRoutes([
    ...healthRoutes(),
    ...readinessRoutes([...observability.readiness, slackAuthCheck({ auth: { test: () => app.client.auth.test() } })]),
    ...metricsRoutes(metrics),
    ...apiRoutes({ store: core.store, catalog: core.catalog, logger: core.logger, apiToken: config.apiToken, newErrorId, useCases }),
    ...reportRoutes({ store: core.store, logger: core.logger, apiToken: config.apiToken, apiTokens: core.catalog.apiTokens ?? [], newErrorId }),
    ...pagerDutyWebhookRoutes({ secret: config.pagerDutyWebhookSecret, logger: core.logger, handle: (event) => onIncidentEvent(useCases(), event) }),
    ...(observability.routes ?? []),
  ]);
  const preAck = receiver.requestListener
    ? slashCommandPreAck({
        signingSecret: config.signingSecret,
        command: SLASH_COMMAND,
        answerFor: (text) => acknowledgeCommand(text).answer,
        processEvent: (event) => app.processEvent(event),
        bolt: receiver.requestListener,
        logger: core.logger,
      })
    : undefined;
  const server = new RouteServer(routes, preAck ? { path: '/slack/events', listener: preAck.listener } : undefined);
  return {
    app,
    deps,
    start: async (port, host) => {
      await server.listen(port, host);
      if (config.appToken) await app.start(); // opens the WebSocket; HTTP mode needs nothing more
      return server.url();
    },
    stop: async () => {
      await server.close();
      // Commands acked but not yet answered finish first (bounded): their askers were told a plan is coming.
      await preAck?.drain(COMMAND_DRAIN_MS);
      if (config.appToken) await app.stop();
    },
  };
}
