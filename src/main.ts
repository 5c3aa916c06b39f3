// The composition root for `npm start`: the only reader of process.env.
import { KubeConfig } from '@kubernetes/client-node';
import { startBot, type RunningBot } from './bot.js';
import { loadCatalog } from './config/catalog.js';
import { ConfigError } from './config/config-error.js';
import { parseEnv } from './config/env.js';
import { resolvePeerCredentials } from './config/peer-credentials.js';
import { createLogger } from './adapters/logging/create-logger.js';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const catalog = loadCatalog(env.SMARTSPEC_CONFIG);
  // The catalog's `auth` blocks name variables; a missing one stops the start (exit 2), before anything listens.
  const peerCredentials = resolvePeerCredentials(catalog.peerAuth, process.env, env.SMARTSPEC_CONFIG);
  const logger = createLogger(env.LOG_LEVEL);
  // Legal but probably a mistake, e.g. a service whose rollbacks would check nothing: say so once, at start.
  for (const warning of catalog.warnings ?? []) logger.warn({ catalog: env.SMARTSPEC_CONFIG }, warning);
  // Handlers first: a SIGTERM that arrives while the bot is still starting must stop it cleanly too.
  let bot: RunningBot | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    if (bot) stopAndExit(bot);
  };
  const stopAndExit = (running: RunningBot) => {
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault(); // in-cluster, then KUBECONFIG, then ~/.kube/config
  for (const service of catalog.services.values()) {
    const context = service.target.kind === 'command' ? undefined : service.target.context;
    if (context && !kubeConfig.getContextObject(context)) {
      throw new ConfigError(
        `${env.SMARTSPEC_CONFIG}: services.${service.name}.kubernetes.context: "${context}" is not a context in the kubeconfig (known: ${
          kubeConfig
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
  }
  bot = await startBot({
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    slackApiUrl: env.SLACK_API_URL,
    ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    apiToken: env.SMARTSPEC_API_TOKEN,
    databasePath: env.DATABASE_PATH,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    runLeaseSeconds: env.RUN_LEASE_SECONDS,
    catalog,
    kubeConfig,
    logger,
    port: env.PORT,
    host: env.HOST,
    pagerDuty: {
      restUrl: env.PAGERDUTY_API_URL,
      ...(env.PAGERDUTY_WEBHOOK_SECRET ? { webhookSecret: env.PAGERDUTY_WEBHOOK_SECRET } : {}),
      ...(env.PAGERDUTY_TOKEN ? { token: env.PAGERDUTY_TOKEN } : {}),
      ...(env.PAGERDUTY_FROM ? { from: env.PAGERDUTY_FROM } : {}),
      ...(env.PAGERDUTY_EVENTS_URL ? { eventsUrl: env.PAGERDUTY_EVENTS_URL } : {}),
      appUrl: env.PAGERDUTY_APP_URL,
    },
    peerCredentials,
    ...(env.GITHUB_TOKEN ? { github: { token: env.GITHUB_TOKEN, apiUrl: env.GITHUB_API_URL } } : {}),
  });
  if (stopping) stopAndExit(bot);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`smartspec-rollback: configuration error\n${error.message}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`smartspec-rollback: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
