// buildApp(deps): the Bolt app with our listeners and HTTP routes. No I/O happens at import time.
import { App, HTTPReceiver, type webApi } from '@slack/bolt';
import type { Server } from 'node:http';
import type { Logger as PinoLogger } from 'pino';
import type { UseCaseDeps } from './core/use-cases/deps.js';
import { apiRoutes } from './adapters/http/api-routes.js';
import { healthRoutes } from './adapters/http/health-routes.js';
import { sendJson } from './adapters/http/http-kit.js';
import { pagerDutyWebhookRoutes } from './adapters/pagerduty/webhook-route.js';
import { onIncidentEvent } from './core/use-cases/on-incident.js';
import { boltLogger } from './adapters/logging/bolt-logger.js';
import { registerDecisionActions } from './adapters/slack/listeners/decision-actions.js';
import { registerRollbackCommand } from './adapters/slack/listeners/rollback-command.js';
import { SlackApproverDirectory } from './adapters/slack/slack-approver-directory.js';
import { SlackChatSurface } from './adapters/slack/slack-chat-surface.js';

export interface AppConfig {
  botToken: string;
  signingSecret: string;
  slackApiUrl: string;
  apiToken: string | undefined;
  pagerDutyWebhookSecret: string | undefined;
}

export type CoreDeps = Omit<UseCaseDeps, 'chat' | 'directory'>;

export interface BuiltApp {
  app: App;
  deps: UseCaseDeps;
  start(port: number, host: string): Promise<Server>;
  stop(): Promise<void>;
}

// An incident tool must not sit in Slack's default 30-minute retry schedule: fail fast, say so, move on.
const SLACK_RETRY: webApi.RetryOptions = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 };

export function buildApp(config: AppConfig, core: CoreDeps, logger: PinoLogger): BuiltApp {
  const newErrorId = core.newRunId;
  let deps: UseCaseDeps | undefined;
  const useCases = () => {
    if (!deps) throw new Error('the app is not built yet');
    return deps;
  };
  const receiver = new HTTPReceiver({
    signingSecret: config.signingSecret,
    endpoints: ['/slack/events'],
    customRoutes: [
      ...healthRoutes(),
      ...apiRoutes({ store: core.store, catalog: core.catalog, logger: core.logger, apiToken: config.apiToken, newErrorId, useCases }),
      ...pagerDutyWebhookRoutes({ secret: config.pagerDutyWebhookSecret, logger: core.logger, handle: (event) => onIncidentEvent(useCases(), event) }),
    ],
    logger: boltLogger(logger),
    dispatchErrorHandler: async ({ response }) => sendJson(response, 404, { error: 'Not found.' }),
  });
  const app = new App({
    token: config.botToken,
    receiver,
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: config.slackApiUrl, retryConfig: SLACK_RETRY, timeout: 10_000 },
  });
  deps = {
    ...core,
    chat: new SlackChatSurface(app.client, core.clock),
    directory: new SlackApproverDirectory(app.client, core.clock),
  };
  registerRollbackCommand(app, deps, newErrorId);
  registerDecisionActions(app, deps, newErrorId);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return {
    app,
    deps,
    start: async (port, host) => (await app.start({ port, host })) as Server,
    stop: () => app.stop().then(() => undefined),
  };
}
