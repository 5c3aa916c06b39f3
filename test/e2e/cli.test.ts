// The CI path end to end: the CLI against the running bot, one test per exit code.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { API_TOKEN, DEFAULT_CATALOG, recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { clusterWrites, realClusterWrites } from './flow-helpers.js';

let h: Harness;
afterEach(async () => {
  await h.close();
});

async function cli(args: string[], token = API_TOKEN) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { SMARTSPEC_URL: h.bot.url, SMARTSPEC_API_TOKEN: token }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const apiAutoApprove = DEFAULT_CATALOG.replace('autoApprove: [U0CIBOT]', 'autoApprove: [U0CIBOT]\n      apiAutoApprove: true');

describe('smartspec-rollback CLI', () => {
  it('exit 0: rolls back with --auto-approve where the policy allows it, with progress lines', async () => {
    h = await startHarness({ catalog: apiAutoApprove, failedBehaviour: 'crash' });
    await recordStandardHistory(h);
    const result = await cli(['rollback', '--failed-deployment-id', 'deploy-12345', '--auto-approve', '--poll-interval', '0.1', '--timeout', '60']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('SUCCEEDED');
    expect(result.err).toMatch(/executing[\s\S]*succeeded/);
    expect(h.slack.messagesIn('C0INCIDENTS').length).toBe(1); // the plan and outcome are in Slack as well
  });

  it('exit 0 for a dry run plan, printed as Markdown; nothing executed', async () => {
    h = await startHarness();
    await recordStandardHistory(h);
    const result = await cli(['plan', '--failed-deployment-id', 'deploy-12345']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('# Rollback Plan: deploy-12345');
    expect(result.out).toContain('**To Version:** `v1.2.0`');
    expect(result.out).toContain('accepted every write');
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('exit 1: the rollback ran but failed verification', async () => {
    h = await startHarness({
      catalog: apiAutoApprove.replace(
        '    verification:\n      timeoutSeconds: 20\n',
        '    verification: { http: [{ url: "http://127.0.0.1:9/healthz", status: 200 }], timeoutSeconds: 5 }\n',
      ),
    });
    await recordStandardHistory(h);
    const result = await cli(['rollback', '--failed-deployment-id', 'deploy-12345', '--auto-approve', '--poll-interval', '0.1', '--timeout', '60']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED');
  });

  it.each([
    [['rollback'], /--failed-deployment-id is required/],
    [['rollback', '--failed-deployment-id', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['rollback', '--failed-deployment-id', 'deploy 1'], /failedDeploymentId: must be 1–128 characters/],
    [['status'], /Usage: smartspec-rollback status <run-id>/],
  ])('exit 2: usage errors %j', async (args, message) => {
    h = await startHarness();
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('exit 2: a wrong API token', async () => {
    h = await startHarness();
    const result = await cli(['status', 'rb-x'], 'wrong-token-wrong-token');
    expect(result.code).toBe(2);
    expect(result.err).toContain('SMARTSPEC_API_TOKEN');
  });

  it('exit 3: a blocked plan (irreversible migration) never runs, even with --auto-approve', async () => {
    h = await startHarness({ catalog: apiAutoApprove });
    await recordStandardHistory(h);
    await h.recordDeployment({
      id: 'deploy-12346',
      version: 'v1.2.2',
      createdAt: '2026-11-20T11:00:00Z',
      migrations: [{ id: 'm_drop', reversible: false, destructive: true, mayLoseData: true }],
    });
    const result = await cli([
      'rollback',
      '--failed-deployment-id',
      'deploy-12346',
      '--target-version',
      'v1.2.0',
      '--auto-approve',
      '--poll-interval',
      '0.1',
    ]);
    expect(result.code).toBe(3);
    expect(result.out).toContain('BLOCKED');
    expect((await cli(['plan', '--failed-deployment-id', 'deploy-12346', '--target-version', 'v1.2.0'])).code).toBe(3);
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('exit 3: --auto-approve where the policy does not allow it', async () => {
    h = await startHarness();
    await recordStandardHistory(h);
    const result = await cli(['rollback', '--failed-deployment-id', 'deploy-12345', '--auto-approve']);
    expect(result.code).toBe(3);
    expect(result.err).toContain('apiAutoApprove');
    expect(clusterWrites(h)).toEqual([]);
  });

  it('exit 4: nobody approved within --timeout', async () => {
    h = await startHarness();
    await recordStandardHistory(h);
    const result = await cli(['rollback', '--failed-deployment-id', 'deploy-12345', '--timeout', '0.5', '--poll-interval', '0.1']);
    expect(result.code).toBe(4);
    expect(result.err).toMatch(/Timed out after 0.5 s with run rb-[a-z0-9]+ awaiting_approval/);
  });
});
