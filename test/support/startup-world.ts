// What the tests that run main.ts as a real process start it against: a directory holding the
// catalog and a kubeconfig, a fake Slack and a Kubernetes emulator, and the environment main.ts
// reads (nothing else from the test's own). `runMain` runs it to its exit.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { PROJECT_ROOT } from './bot-process.js';

const MAIN = join(PROJECT_ROOT, 'src', 'main.ts');
const BOT_TOKEN = 'xoxb-start-test';
const SIGNING_SECRET = 'start-test-secret-123';

export interface StartupWorld {
  dir: string;
  slack: FakeSlack;
  k8s: KubernetesEmulator;
  /** A complete, valid environment for main.ts; tests change copies of it. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startStartupWorld(catalog: string, extraEnv: Record<string, string> = {}, logLevel = 'info'): Promise<StartupWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'smartspec-start-'));
  const slack = await startFakeSlack({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
  const k8s = await startKubernetesEmulator();
  writeFileSync(join(dir, 'kubeconfig'), k8s.kubeConfigYaml());
  writeFileSync(join(dir, 'smartspec.yml'), catalog);
  return {
    dir,
    slack,
    k8s,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SMARTSPEC_CONFIG: join(dir, 'smartspec.yml'),
      DATABASE_PATH: join(dir, 'data', 'bot.db'),
      KUBECONFIG: join(dir, 'kubeconfig'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: logLevel,
      ...extraEnv,
    },
    async close() {
      await slack.close();
      await k8s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** main.ts to its exit (20 s at most): its exit code and what it wrote to stderr. */
export function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // `node --import tsx`, not the tsx CLI: the CLI runs the bot in a second process, which the
    // timeout's kill would not reach.
    execFile(process.execPath, ['--import', 'tsx', MAIN], { cwd: PROJECT_ROOT, env, timeout: 20_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
  });
}
