// main.ts as a real process with a catalog whose Prometheus and Alertmanager need credentials: a
// variable the catalog names but the environment lacks stops the start with exit 2, naming the
// catalog key and the variable (and never a value); with the variables set the bot starts.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { DEFAULT_CATALOG } from '../support/bot-harness.js';
import { PROJECT_ROOT, startBotProcess, type BotProcess } from '../support/bot-process.js';
import { logTexts, scanForSecrets } from '../support/secret-scan.js';

const MAIN = join(PROJECT_ROOT, 'src', 'main.ts');
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

let dir: string;
let slack: FakeSlack;
let k8s: KubernetesEmulator;
let baseEnv: Record<string, string>;
let bot: BotProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-peer-auth-'));
  slack = await startFakeSlack({ botToken: 'xoxb-start-test', signingSecret: 'start-test-secret-123' });
  k8s = await startKubernetesEmulator();
  writeFileSync(join(dir, 'kubeconfig'), k8s.kubeConfigYaml());
  writeFileSync(join(dir, 'smartspec.yml'), CATALOG);
  baseEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    SLACK_BOT_TOKEN: 'xoxb-start-test',
    SLACK_SIGNING_SECRET: 'start-test-secret-123',
    SLACK_API_URL: slack.apiUrl,
    SMARTSPEC_CONFIG: join(dir, 'smartspec.yml'),
    DATABASE_PATH: join(dir, 'data', 'bot.db'),
    KUBECONFIG: join(dir, 'kubeconfig'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    PROMETHEUS_TOKEN: TOKEN,
    ALERTMANAGER_PASSWORD: PASSWORD,
  };
});
afterAll(async () => {
  await bot?.kill('SIGKILL');
  await slack.close();
  await k8s.close();
  rmSync(dir, { recursive: true, force: true });
});

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN], { cwd: PROJECT_ROOT, env, timeout: 20_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
  });
}

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
