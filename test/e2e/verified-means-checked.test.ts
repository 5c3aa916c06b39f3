// "Verified" means checked: a rollback whose verification checked nothing (a command-deployed service
// with no health checks) never says "verified" — not in the plan, the thread, the API or the CLI.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { API_TOKEN, CHANNEL, DEFAULT_CATALOG, startHarness, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { threadHeaders, waitForPlan, waitForThread } from './flow-helpers.js';

const BIN = join(import.meta.dirname, '..', 'fixtures', 'bin');
const commandService = (verification: string) =>
  DEFAULT_CATALOG.replace(
    /    kubernetes:\n(      .*\n)+?(?=    verification:)/,
    `    command: { rollback: ["${join(BIN, 'echo-argv')}", "{service}", "{version}"], timeoutSeconds: 30 }\n`,
  )
    .replace('    verification:\n      timeoutSeconds: 20\n', verification)
    .replace('autoApprove: [U0CIBOT]', 'autoApprove: [U0CIBOT]\n      apiAutoApprove: true');

let h: Harness;
afterEach(async () => {
  await h.close();
});

async function history(): Promise<void> {
  await h.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-12345', version: 'v1.2.1', createdAt: '2026-11-20T10:30:00Z', status: 'failed' });
}

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { SMARTSPEC_URL: h.bot.url, SMARTSPEC_API_TOKEN: API_TOKEN }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('an unchecked rollback succeeds "not verified" in the CLI (exit 0), the API, the thread and the plan', async () => {
  h = await startHarness({ catalog: commandService('    verification:\n      timeoutSeconds: 20\n') });
  await history();
  const result = await cli(['rollback', '--failed-deployment-id', 'deploy-12345', '--auto-approve', '--poll-interval', '0.1', '--timeout', '60']);
  expect(result.code).toBe(0);
  expect(result.out).toContain('SUCCEEDED');
  expect(result.out).toContain('not verified: no checks are configured');

  const runId = /Rollback (rb-[a-z0-9]+)/.exec(result.out)?.[1];
  const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
  expect(view.json).toMatchObject({
    status: 'succeeded',
    verified: false,
    verification: { phase: 'Succeeded', notVerified: 'not verified: no checks are configured' },
  });
  const markdown = await h.api('GET', `/api/v1/rollbacks/${runId}/report`);
  expect(markdown.json).toContain('not verified: no checks are configured');
  expect(markdown.json).not.toContain('is healthy');

  const plan = await waitForPlan(h);
  const report = await waitForThread(h, plan, /Verification/);
  expect(threadHeaders(h, plan)[0]).toContain('Verification: not verified');
  expect(JSON.stringify(report.blocks)).toContain('Not verified: no checks are configured');
  expect(JSON.stringify(h.slack.threadReplies(CHANNEL, plan.ts))).not.toContain('Verification passed');
  // Every "verified" in the verification message is a "not verified".
  expect(JSON.stringify(report.blocks).replace(/[Nn]ot verified/g, '')).not.toMatch(/verified/);
  const final = await h.slack.waitFor(
    () => {
      const m = h.slack.findMessage(CHANNEL, plan.ts);
      return m && /Rolled back/.test(JSON.stringify(m.blocks)) ? m : undefined;
    },
    10_000,
    'final plan message',
  );
  expect(JSON.stringify(final.blocks)).toContain('not verified: no checks are configured');
  expect(JSON.stringify(final.blocks)).not.toContain('and verified');
});

it('with verification.required: true an unchecked rollback fails instead (CLI exit 1), saying why', async () => {
  h = await startHarness({ catalog: commandService('    verification:\n      timeoutSeconds: 20\n      required: true\n') });
  await history();
  const result = await cli(['rollback', '--failed-deployment-id', 'deploy-12345', '--auto-approve', '--poll-interval', '0.1', '--timeout', '60']);
  expect(result.code).toBe(1);
  expect(result.out).toContain('FAILED');
  const runId = /Rollback (rb-[a-z0-9]+)/.exec(result.out)?.[1];
  const view = await eventually(
    async () => {
      const v = await h.api('GET', `/api/v1/rollbacks/${runId}`);
      return v.json.verification ? v : undefined;
    },
    10_000,
    'the verification recorded',
  );
  expect(view.json).toMatchObject({ status: 'failed', verified: false, verification: { phase: 'Failed' } });
  expect(view.json.verification.notVerified).toContain('verification.required is true');
});
