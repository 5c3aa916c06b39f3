// SIGTERM in the middle of a rollout: the bot stops taking requests, exits cleanly without marking the
// run failed and releases its lease, and the next start on the same database resumes the run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { startKubernetesEmulator, type KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { API_TOKEN, CHANNEL, DEFAULT_CATALOG, deploymentBody, IMAGE, NAMESPACE, USERS } from '../support/bot-harness.js';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';

const BOT_TOKEN = 'xoxb-shutdown-test';
const SECRET = 'shutdown-test-signing-secret';
let dir: string;
let slack: FakeSlack;
let k8s: KubernetesEmulator;
let env: Record<string, string>;
const children: BotProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smartspec-sigterm-'));
  slack = await startFakeSlack({ botToken: BOT_TOKEN, signingSecret: SECRET, users: Object.entries(USERS).map(([name, id]) => ({ id, name })) });
  // Slow pods: the rollout is still going when SIGTERM arrives.
  k8s = await startKubernetesEmulator({ tickMs: 20, podStartMs: 4_000 });
  for (const component of ['checkout-api', 'checkout-worker']) {
    k8s.seedDeployment({
      namespace: NAMESPACE,
      name: component,
      replicas: 2,
      containers: [{ name: component, image: IMAGE(component, 'v1.2.1') }],
      history: ['v1.2.0', 'v1.2.1'].map((v) => ({ images: { [component]: IMAGE(component, v) } })),
    });
  }
  writeFileSync(join(dir, 'kubeconfig'), k8s.kubeConfigYaml());
  writeFileSync(join(dir, 'smartspec.yml'), DEFAULT_CATALOG);
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    SMARTSPEC_CONFIG: join(dir, 'smartspec.yml'),
    DATABASE_PATH: join(dir, 'bot.db'),
    KUBECONFIG: join(dir, 'kubeconfig'),
    SMARTSPEC_API_TOKEN: API_TOKEN,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
});
afterAll(async () => {
  // The bot itself, not a wrapper: startBotProcess runs `node --import tsx`, one process.
  await Promise.all(children.map((child) => child.kill('SIGKILL')));
  await slack.close();
  await k8s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startChild(): Promise<BotProcess> {
  const child = await startBotProcess({ env, startTimeoutMs: 20_000 });
  children.push(child);
  return child;
}

const api = async (url: string, path: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

it('leaves a run cut short by SIGTERM for the next start, which resumes it: each Deployment written once', async () => {
  const first = await startChild();
  slack.setAppUrl(first.url);
  for (const d of [
    deploymentBody({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' }),
    deploymentBody({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' }),
  ]) {
    d.components = {
      'checkout-api': { image: IMAGE('checkout-api', d.version), replicas: 2 },
      'checkout-worker': { image: IMAGE('checkout-worker', d.version), replicas: 2 },
    };
    expect((await api(first.url, '/api/v1/deployments', d)).status).toBe(201);
  }
  await slack.sendSlashCommand({
    command: '/smartspec_rollback',
    text: '--failed-deployment-id deploy-12345',
    userId: USERS.requester,
    channelId: CHANNEL,
  });
  const plan = await slack.waitFor(
    () => slack.messagesIn(CHANNEL).find((m) => JSON.stringify(m.blocks).includes('rollback_approve')),
    10_000,
    'the plan',
  );
  const runId = /Run `(rb-[a-z0-9]+)`/.exec(JSON.stringify(plan.blocks))?.[1] ?? '';
  await slack.clickButton({ userId: USERS.approver, channelId: CHANNEL, messageTs: plan.ts, actionId: 'rollback_approve' });
  await slack.waitFor(
    () => k8s.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/checkout-api')),
    10_000,
    'the first rollback write',
  );

  expect(await first.kill('SIGTERM')).toEqual({ code: 0, signal: null });

  // The stopping process released its lease: the next start claims the run at once and goes on.
  const second = await startChild();
  slack.setAppUrl(second.url);
  let view = await api(second.url, `/api/v1/rollbacks/${runId}`);
  for (let i = 0; i < 200 && view.json['status'] !== 'succeeded'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await api(second.url, `/api/v1/rollbacks/${runId}`);
  }
  expect(view.json['status']).toBe('succeeded');
  const types = (view.json['timeline'] as Array<{ type: string }>).map((e) => e.type);
  expect(types).toContain('resumed');
  expect(types).not.toContain('interrupted');
  // The step cut short is done again idempotently: one template write per Deployment in all.
  for (const component of ['checkout-api', 'checkout-worker']) {
    expect(
      k8s.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/deployments/${component}`) && r.query['dryRun'] === undefined),
    ).toHaveLength(1);
  }
  await slack.waitFor(
    () => slack.threadReplies(CHANNEL, plan.ts).find((m) => /Verification/.test(JSON.stringify(m.blocks ?? []))),
    10_000,
    'the verification report',
  );
  expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
});
