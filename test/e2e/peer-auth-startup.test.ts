// main.ts as a real process with a catalog whose Prometheus and Alertmanager need credentials: a
// variable the catalog names but the environment lacks stops the start with exit 2, naming the
// catalog key and the variable (and never a value); with the variables set the bot starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../support/bot-harness.js';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { logTexts, scanForSecrets } from '../support/secret-scan.js';
import { runMain, startStartupWorld, type StartupWorld } from '../support/startup-world.js';
const TOKEN = 'prometheus-token-for-the-startup-test-0123';
const PASSWORD = 'alertmanager-password-for-the-startup-test';
const SECRETS = [
  { name: 'PROMETHEUS_TOKEN', value: TOKEN },
  { name: 'ALERTMANAGER_PASSWORD', value: PASSWORD },
];
const CATALOG = DEFAULT_CATALOG.replace(
  '    approvals:\n',
  [
    '    detection:',
    '      url: http://prometheus.monitoring:9090',
    '      auth: { bearerTokenEnv: PROMETHEUS_TOKEN }',
    '      queries: [{ name: errors, kind: error_rate, query: "up", max: 1, severity: high }]',
    '    alertmanager:',
    '      url: http://alertmanager.monitoring:9093',
    '      auth: { username: smartspec, passwordEnv: ALERTMANAGER_PASSWORD }',
    '      matchers: [{ name: service, value: checkout }]',
    '    approvals:',
    '',
  ].join('\n'),
);

let world: StartupWorld;
let baseEnv: Record<string, string>;
let bot: BotProcess | undefined;

beforeAll(async () => {
  world = await startStartupWorld(CATALOG, { PROMETHEUS_TOKEN: TOKEN, ALERTMANAGER_PASSWORD: PASSWORD }, 'debug');
  baseEnv = world.env;
});
afterAll(async () => {
  await bot?.kill('SIGKILL');
  await world.close();
});

describe('starting with peer authentication in the catalog', () => {
  it.each([
    [
      'an unset bearer token variable',
      { PROMETHEUS_TOKEN: undefined },
      'services.checkout.detection.auth.bearerTokenEnv: names PROMETHEUS_TOKEN, which is not set (or is empty): set it to the bearer token for Prometheus at http://prometheus.monitoring:9090',
    ],
    [
      'an empty password variable',
      { ALERTMANAGER_PASSWORD: '' },
      'services.checkout.alertmanager.auth.passwordEnv: names ALERTMANAGER_PASSWORD, which is not set (or is empty): set it to the password of smartspec for Alertmanager at http://alertmanager.monitoring:9093',
    ],
    [
      'a token with a trailing newline',
      { PROMETHEUS_TOKEN: `${TOKEN}\n` },
      "services.checkout.detection.auth.bearerTokenEnv: PROMETHEUS_TOKEN holds a space, a line break or a character an HTTP header cannot carry: set it to the token alone (a file's trailing newline counts)",
    ],
  ])('exits 2 on %s, naming the catalog key and the variable', async (_case, change, message) => {
    const env: Record<string, string> = { ...baseEnv };
    for (const [name, value] of Object.entries(change)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    const result = await runMain(env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`smartspec-rollback: configuration error\n${baseEnv['SMARTSPEC_CONFIG']}: ${message}\n`);
    expect(scanForSecrets([{ where: 'stderr', text: result.stderr }], SECRETS).findings).toEqual([]);
  });

  it('starts with the variables set, and logs neither value', async () => {
    bot = await startBotProcess({ env: baseEnv, startTimeoutMs: 20_000 });
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect(await bot.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(scanForSecrets(logTexts(bot.lines), SECRETS).findings).toEqual([]);
  });
});
