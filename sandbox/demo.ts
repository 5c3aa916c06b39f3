// `npm run demo`: the real bot against the emulated Slack and Kubernetes, with a local page that plays
// Slack. No credentials, no network. A composition root like main.ts, so it may read the environment.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { startDemoServer, type DemoServer } from './demo/demo-server.js';

const USAGE = `Usage: npm run demo -- [--port <port>] [--reset]

  --port <port>  where the page is served on 127.0.0.1 (default: $DEMO_PORT or 3100; 0 = any free port)
  --reset        forget the previous demo (./data/demo.db and ./data/demo.state.json) and start over
`;

const DATABASE_PATH = 'data/demo.db';
const LOG_PATH = 'data/demo.log';
// After a clean shutdown nothing should keep the process alive; if something does, say what.
const SHUTDOWN_GRACE_MS = 5_000;

function parseOptions(): { port: number; reset: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ options: { port: { type: 'string' }, reset: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`, 2);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const raw = parsed.values.port ?? process.env.DEMO_PORT ?? '3100';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) fail(`--port (or DEMO_PORT) must be a port number from 0 to 65535, not "${raw}"\n\n${USAGE}`, 2);
  return { port, reset: parsed.values.reset === true };
}

function fail(message: string, code: number): never {
  process.stderr.write(`smartspec-rollback demo: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  // Output piped into `head` that has gone away must not crash the demo before it saves its state.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const { port, reset } = parseOptions();
  mkdirSync(dirname(LOG_PATH), { recursive: true });
  const logStream = createWriteStream(LOG_PATH, { flags: 'a' });
  let demo: DemoServer;
  try {
    demo = await startDemoServer({ port, databasePath: DATABASE_PATH, reset, logStream });
  } catch (error) {
    logStream.end();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${port} is in use. Pick another: npm run demo -- --port ${port + 1}`, 1);
    fail(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, 1);
  }

  process.stdout.write(
    [
      '',
      '  smartspec-rollback demo: the real bot, an emulated Slack workspace and Kubernetes cluster',
      '',
      `  Open ${demo.url}`,
      '',
      `  state  ${relative(process.cwd(), DATABASE_PATH)} (${demo.fresh ? 'new' : 'picked up from the last run'}; start over with: npm run demo -- --reset)`,
      `  logs   ${LOG_PATH} (the bot's JSON logs)`,
      `  bot    ${demo.bot.url} (Slack events and /api/v1, signed and authenticated with demo-only tokens)`,
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`\n${signal} again: exiting without waiting.\n`);
      process.exit(130);
    }
    stopping = true;
    process.stdout.write('\nStopping the demo…\n');
    demo
      .close()
      .then(() => new Promise<void>((resolve) => logStream.end(resolve)))
      .then(() => {
        process.stdout.write('Stopped. The state is saved for next time.\n');
        const watchdog = setTimeout(() => {
          process.stderr.write(`still running ${SHUTDOWN_GRACE_MS} ms after shutdown, held by: ${process.getActiveResourcesInfo().join(', ')}\n`);
          process.exit(1);
        }, SHUTDOWN_GRACE_MS);
        watchdog.unref();
      })
      .catch((error: unknown) => fail(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`, 1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
