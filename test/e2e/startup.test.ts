// main.ts as a real process: configuration errors exit 2 naming what is wrong; a good config serves
// /healthz; SIGTERM stops it cleanly.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { DEFAULT_CATALOG } from '../support/bot-harness.js';

const TSX = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
let dir: string;
let slack: FakeSlack;
let k8s: KubernetesEmulator;
let baseEnv: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-start-'));
  slack = await startFakeSlack({ botToken: 'xoxb-start-test', signingSecret: 'start-test-secret-123' });
  k8s = await startKubernetesEmulator();
  writeFileSync(join(dir, 'kubeconfig'), k8s.kubeConfigYaml());
  writeFileSync(join(dir, 'smartspec.yml'), DEFAULT_CATALOG);
  baseEnv = {
    PATH: process.env['PATH'] ?? '', HOME: dir,
    SLACK_BOT_TOKEN: 'xoxb-start-test', SLACK_SIGNING_SECRET: 'start-test-secret-123', SLACK_API_URL: slack.apiUrl,
    SMARTSPEC_CONFIG: join(dir, 'smartspec.yml'), DATABASE_PATH: join(dir, 'data', 'bot.db'), KUBECONFIG: join(dir, 'kubeconfig'),
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info',
  };
});
afterAll(async () => {
  await slack.close();
  await k8s.close();
  rmSync(dir, { recursive: true, force: true });
});

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [MAIN], { env, timeout: 20_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
  });
}

describe('starting the bot', () => {
  it.each([
    ['a missing bot token', (e: Record<string, string>) => { delete e['SLACK_BOT_TOKEN']; }, /SLACK_BOT_TOKEN: is required/],
    ['a malformed port', (e: Record<string, string>) => { e['PORT'] = 'http'; }, /PORT: must be a port number/],
    ['a missing catalog', (e: Record<string, string>) => { e['SMARTSPEC_CONFIG'] = '/nonexistent/smartspec.yml'; }, /\/nonexistent\/smartspec.yml: cannot be read \(ENOENT\)/],
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
    const child = spawn(TSX, [MAIN], { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no listening line within 20 s')), 20_000);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
