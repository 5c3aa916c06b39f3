// Requests that are not what they claim to be: forged, tampered, stale or replayed Slack requests,
// forged and replayed PagerDuty webhooks, API calls without or with a wrong token. Each is refused
// (401, or answered once for a genuine replay) and nothing happens: no plan, no approval, no write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIncidentWebhook, sendWebhook, signPagerDutyWebhook } from '../../sandbox/pagerduty/webhook-sender.js';
import { signSlackRequest } from '../../sandbox/slack/slack-request-signer.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import {
  API_TOKEN,
  CHANNEL,
  DEFAULT_CATALOG,
  PD_ROUTING_KEY,
  PD_WEBHOOK_SECRET,
  SIGNING_SECRET,
  USERS,
  deploymentBody,
  recordStandardHistory,
  startHarness,
  type Harness,
} from '../support/bot-harness.js';
import { waitForHandledPagerDutyEvents } from '../support/pagerduty-outcomes.js';
import { genuineRoundTrip } from '../support/round-trip.js';
import { harnessSecrets, logTexts, scanForSecrets, slackTexts } from '../support/secret-scan.js';
import { plansFor, runIdOf, sendCommand, waitForPlanFor } from '../support/slack-flow.js';

const CATALOG = DEFAULT_CATALOG.replace(
  '    approvals:',
  `    pagerduty: { services: [PCHECKOUT1], autoRollback: true, routingKey: ${PD_ROUTING_KEY} }\n    approvals:`,
);
const now = () => Math.floor(Date.now() / 1000);

let h: Harness;
let plan: FakeSlackMessage;
let messagesBefore: number;

beforeAll(async () => {
  h = await startHarness({ catalog: CATALOG });
  await recordStandardHistory(h);
  h.pagerDuty.addIncident({ id: 'PINC001', title: 'checkout health check failing', serviceId: 'PCHECKOUT1' });
  // A genuine plan to aim forged clicks at; it stays awaiting approval throughout.
  await sendCommand(h.slack, '--failed-deployment-id deploy-12345');
  plan = await waitForPlanFor(h.slack, 'deploy-12345');
  messagesBefore = h.slack.messagesIn(CHANNEL, { includeReplies: true }).length;
});

afterAll(async () => {
  const report = scanForSecrets([...logTexts(h.logLines), ...slackTexts(h.slack)], harnessSecrets());
  await h.close();
  expect(report.findings).toEqual([]);
});

/**
 * Nothing happened: no new message, the plan still waiting with no approval, no cluster write, no
 * PagerDuty note. Read after a positive signal: the refusal was answered, and a later genuine
 * command has been answered too.
 */
async function expectNothingDone(): Promise<void> {
  await genuineRoundTrip(h.slack);
  expect(h.slack.messagesIn(CHANNEL, { includeReplies: true })).toHaveLength(messagesBefore);
  const run = await h.bot.store.getRun(runIdOf(plan));
  expect(run).toMatchObject({ status: 'awaiting_approval', approvals: [] });
  expect(h.k8s.requests.filter((r) => !['GET', 'HEAD'].includes(r.method) && r.query['dryRun'] === undefined)).toEqual([]);
  expect(h.pagerDuty.notes).toEqual([]);
}

async function postRaw(path: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${h.bot.url}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
}

describe('Slack requests not signed with our secret, or not now', () => {
  const click = (opts: Record<string, unknown>) =>
    h.slack.clickButton({
      userId: USERS.approver,
      channelId: CHANNEL,
      messageTs: plan.ts,
      actionId: 'rollback_approve',
      value: runIdOf(plan),
      force: true,
      ...opts,
    });
  const command = (opts: Record<string, unknown>) =>
    h.slack.sendSlashCommand({
      command: '/smartspec_rollback',
      text: '--failed-deployment-id deploy-12345 --auto-approve',
      userId: USERS.ciBot,
      channelId: CHANNEL,
      ...opts,
    });

  it.each([
    ['signed with another secret', { badSignature: true }],
    ['unsigned', { unsigned: true }],
    ['signed six minutes ago (stale or replayed late)', { timestampSeconds: now() - 6 * 60 }],
    ['signed an hour ago', { timestampSeconds: now() - 3600 }],
    ['forged with a future timestamp', { timestampSeconds: now() + 3600, badSignature: true }],
  ])('an approve click %s: 401, nothing done', async (_name, opts) => {
    expect((await click(opts)).status).toBe(401);
    await expectNothingDone();
  });

  it.each([
    ['signed with another secret', { badSignature: true }],
    ['unsigned', { unsigned: true }],
    ['signed six minutes ago', { timestampSeconds: now() - 6 * 60 }],
  ])('a slash command %s: 401, nothing done', async (_name, opts) => {
    expect((await command(opts)).status).toBe(401);
    await expectNothingDone();
  });

  it('a genuine signature over a different body (tampered in transit): 401, nothing done', async () => {
    const genuine = new URLSearchParams({
      command: '/smartspec_rollback',
      text: 'status',
      user_id: USERS.ciBot,
      channel_id: CHANNEL,
      team_id: 'T0FAKE',
      response_url: `${h.slack.baseUrl}/response/x`,
      trigger_id: 't',
    }).toString();
    const tampered = genuine.replace('status', encodeURIComponent('--failed-deployment-id deploy-12345 --auto-approve'));
    expect(await postRaw('/slack/events', tampered, { ...signSlackRequest(SIGNING_SECRET, genuine) })).toBe(401);
    await expectNothingDone();
  });

  it('a signature header that is not a v0 HMAC (empty, truncated, other scheme): 401', async () => {
    const body = 'command=%2Fsmartspec_rollback&text=help';
    const signed = signSlackRequest(SIGNING_SECRET, body);
    for (const signature of [
      '',
      'v0=',
      signed['x-slack-signature'].slice(0, 40),
      signed['x-slack-signature'].replace('v0=', 'v1='),
      'v0=' + '0'.repeat(64),
    ]) {
      expect(await postRaw('/slack/events', body, { ...signed, 'x-slack-signature': signature }), signature).toBe(401);
    }
    await expectNothingDone();
  });
});

describe('PagerDuty webhooks', () => {
  const incident = (eventId: string) =>
    buildIncidentWebhook({
      eventId,
      type: 'incident.triggered',
      incident: { id: 'PINC001', title: 'checkout health check failing', serviceId: 'PCHECKOUT1' },
      occurredAt: '2026-11-20T11:00:00Z',
    });
  const url = () => `${h.bot.url}/pagerduty/webhook`;

  it.each([
    ['unsigned', 'missing' as const],
    ['signed with another secret', 'wrong' as const],
    ['with an all-zero signature', { header: `v1=${'0'.repeat(64)}` }],
    ['with a malformed signature', { header: 'v1=not-hex' }],
    ['with an oversized signature header', { header: `v1=${'a'.repeat(64)},`.repeat(100) }],
  ])('a triggered incident %s: 401, nothing done (autoRollback is on, so a forgery would roll back)', async (_name, signature) => {
    expect((await sendWebhook({ url: url(), secret: PD_WEBHOOK_SECRET, body: incident('evt-forged'), signature })).status).toBe(401);
    await expectNothingDone();
  });

  it('a genuine signature over a different body: 401, nothing done', async () => {
    const genuine = JSON.stringify(
      buildIncidentWebhook({
        eventId: 'evt-ack',
        type: 'incident.acknowledged',
        incident: { id: 'PINC001', title: 'x', serviceId: 'PCHECKOUT1' },
        occurredAt: '2026-11-20T11:00:00Z',
      }),
    );
    const status = await postRaw('/pagerduty/webhook', JSON.stringify(incident('evt-tampered')), {
      'content-type': 'application/json',
      'x-pagerduty-signature': signPagerDutyWebhook(PD_WEBHOOK_SECRET, genuine),
    });
    expect(status).toBe(401);
    await expectNothingDone();
  });
});

describe('/api/v1 without the right bearer token', () => {
  const wrong: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token-1234' }],
    ['the token with one character more', { authorization: `Bearer ${API_TOKEN}x` }],
    ['the token in upper case', { authorization: `Bearer ${API_TOKEN.toUpperCase()}` }],
    ['the token as Basic credentials', { authorization: `Basic ${Buffer.from(`ci:${API_TOKEN}`).toString('base64')}` }],
    ['the token in the query string only', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ];

  it.each(wrong)('%s: 401 on every route, nothing recorded or requested', async (name, headers) => {
    const query = name.includes('query') ? `?token=${API_TOKEN}` : '';
    const json = { 'content-type': 'application/json', ...headers };
    const deployment = await fetch(`${h.bot.url}/api/v1/deployments${query}`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(deploymentBody({ id: 'deploy-forged', version: 'v9.9.9', createdAt: '2026-11-21T00:00:00Z' })),
    });
    const rollback = await fetch(`${h.bot.url}/api/v1/rollbacks${query}`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ failedDeploymentId: 'deploy-12345', autoApprove: true }),
    });
    const read = await fetch(`${h.bot.url}/api/v1/rollbacks/${runIdOf(plan)}${query}`, { headers });
    expect([deployment.status, rollback.status, read.status]).toEqual([401, 401, 401]);
    expect(JSON.stringify(await read.json())).not.toContain(runIdOf(plan));
    expect(await h.bot.store.getDeployment('deploy-forged')).toBeUndefined();
    await expectNothingDone();
  });
});

describe('replays of genuine requests', () => {
  it('a PagerDuty webhook delivered again (same event, new delivery id) is acted on once', async () => {
    // The earlier tests left the service locked by the waiting plan: free it, so the incident can plan.
    await h.bot.store.transition(runIdOf(plan), ['awaiting_approval'], 'cancelled', {
      runId: runIdOf(plan),
      at: new Date().toISOString(),
      actor: { kind: 'system', id: 'test' },
      type: 'cancelled',
      detail: 'freed for the replay test',
    });
    const body = buildIncidentWebhook({
      eventId: 'evt-replayed',
      type: 'incident.triggered',
      incident: { id: 'PINC001', title: 'checkout latency p99 above 2s', serviceId: 'PCHECKOUT1' },
      occurredAt: '2026-11-20T11:00:00Z',
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await sendWebhook({ url: `${h.bot.url}/pagerduty/webhook`, secret: PD_WEBHOOK_SECRET, body })).status);
    answers.push(
      ...(await Promise.all([1, 2].map(() => sendWebhook({ url: `${h.bot.url}/pagerduty/webhook`, secret: PD_WEBHOOK_SECRET, body })))).map(
        (d) => d.status,
      ),
    );
    expect(answers).toEqual([202, 202, 202, 202, 202]);
    await waitForPlanFor(h.slack, 'deploy-12345', 2);
    // All five deliveries handled: one planned, four recorded as duplicates.
    const outcomes = await waitForHandledPagerDutyEvents(h.logLines, 'evt-replayed', 5);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'planned']);
    expect(plansFor(h.slack, 'deploy-12345')).toHaveLength(2);
  });
});
