// main.ts as a real process: configuration errors exit 2 naming what is wrong; a good config serves
// /healthz; SIGTERM stops it cleanly.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { DEFAULT_CATALOG } from '../support/bot-harness.js';
import { PROJECT_ROOT, startBotProcess, type BotProcess } from '../support/bot-process.js';

const MAIN = join(PROJECT_ROOT, 'src', 'main.ts');
let dir: string;
let slack: FakeSlack;
let k8s: KubernetesEmulator;
let baseEnv: Record<string, string>;
let bot: BotProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-start-'));
  slack = await startFakeSlack({ botToken: 'xoxb-start-test', signingSecret: 'start-test-secret-123' });
  k8s = await startKubernetesEmulator();
  writeFileSync(join(dir, 'kubeconfig'), k8s.kubeConfigYaml());
  writeFileSync(join(dir, 'smartspec.yml'), DEFAULT_CATALOG);
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
    LOG_LEVEL: 'info',
  };
});
afterAll(async () => {
  // Also when an assertion failed before the test's own SIGTERM.
  await bot?.kill('SIGKILL');
  await slack.close();
  await k8s.close();
  rmSync(dir, { recursive: true, force: true });
});

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // `node --import tsx`, not the tsx CLI: the CLI runs the bot in a second process, which the
    // timeout's kill would not reach.
    execFile(process.execPath, ['--import', 'tsx', MAIN], { cwd: PROJECT_ROOT, env, timeout: 20_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
  });
}

describe('starting the bot', () => {
  it.each([
    [
      'a missing bot token',
      (e: Record<string, string>) => {
        delete e['SLACK_BOT_TOKEN'];
      },
      /SLACK_BOT_TOKEN: is required/,
    ],
    [
      'a malformed port',
      (e: Record<string, string>) => {
        e['PORT'] = 'http';
      },
      /PORT: must be a port number/,
    ],
    [
      'a missing catalog',
      (e: Record<string, string>) => {
        e['SMARTSPEC_CONFIG'] = '/nonexistent/smartspec.yml';
      },
      /\/nonexistent\/smartspec.yml: cannot be read \(ENOENT\)/,
    ],
  ])('exits 2 on %s, naming it', async (_name, mutate, message) => {
    const env = { ...baseEnv };
    mutate(env);
    const result = await runMain(env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on a malformed catalog, naming the file and the key', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, DEFAULT_CATALOG.replace('required: 1', 'required: one'));
    const result = await runMain({ ...baseEnv, SMARTSPEC_CONFIG: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}: services.checkout.approvals.required:`);
  });

  it('exits 2 when a catalog context is not in the kubeconfig', async () => {
    const bad = join(dir, 'ctx.yml');
    writeFileSync(bad, DEFAULT_CATALOG.replace('namespace: shop', 'namespace: shop\n      context: prod-eu'));
    const result = await runMain({ ...baseEnv, SMARTSPEC_CONFIG: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('services.checkout.kubernetes.context: "prod-eu" is not a context in the kubeconfig');
  });

  it('serves /healthz with a good configuration and stops cleanly on SIGTERM', async () => {
    bot = await startBotProcess({ env: baseEnv, startTimeoutMs: 20_000 });
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    // The catalog's checkout has no verification checks: said once at start, naming the service.
    expect(bot.lines.some((l) => l.includes('service checkout has no verification checks'))).toBe(true);
    expect(await bot.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
