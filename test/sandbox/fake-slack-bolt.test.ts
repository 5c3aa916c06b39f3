import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { App, type BlockButtonAction, HTTPReceiver, LogLevel, type SlashCommand, type ViewSubmitAction, verifySlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { signSlackRequest } from '../../sandbox/slack/slack-request-signer.js';

const BOT_TOKEN = 'xoxb-bolt-test';
const SIGNING_SECRET = 'bolt-test-signing-secret';
const COMMAND = '/smartspec_rollback';

describe('signSlackRequest', () => {
  // The worked example in Slack's "Verifying requests from Slack" guide.
  const documented = {
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    timestamp: 1531420618,
    body:
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  };

  it('matches Slack documented vector and an independent HMAC', () => {
    const headers = signSlackRequest(documented.secret, documented.body, documented.timestamp);
    const independent = `v0=${createHmac('sha256', documented.secret)
      .update(['v0', String(documented.timestamp), documented.body].join(':'))
      .digest('hex')}`;
    expect(headers).toEqual({
      'x-slack-signature': documented.signature,
      'x-slack-request-timestamp': '1531420618',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(independent).toBe(documented.signature);
  });

  it("is accepted by Bolt's own verifier", () => {
    const headers = signSlackRequest(documented.secret, documented.body, documented.timestamp);
    expect(() =>
      verifySlackRequest({
        signingSecret: documented.secret,
        body: documented.body,
        headers: {
          'x-slack-signature': headers['x-slack-signature'],
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
        nowMilliseconds: documented.timestamp * 1000 + 1000,
      }),
    ).not.toThrow();
  });
});

describe('user simulator against a real Bolt App (HTTPReceiver)', () => {
  let fake: FakeSlack;
  let app: App;
  const commands: SlashCommand[] = [];
  const clicks: Array<{ body: BlockButtonAction; retryNum: number | undefined; retryReason: string | undefined }> = [];
  const submissions: ViewSubmitAction[] = [];
  let viewAck: Record<string, unknown> | undefined;

  beforeAll(async () => {
    fake = await startFakeSlack({
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      users: [{ id: 'U0ALICE', name: 'alice' }],
      channels: [{ id: 'C0INC', name: 'incidents' }],
    });
    app = new App({
      token: BOT_TOKEN,
      receiver: new HTTPReceiver({ signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR }),
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
    });
    app.command(COMMAND, async ({ ack, command, client }) => {
      commands.push(command);
      if (command.text === 'reject') {
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'reject_reason',
            private_metadata: 'run-1',
            title: { type: 'plain_text', text: 'Reject rollback' },
            submit: { type: 'plain_text', text: 'Reject' },
            blocks: [
              {
                type: 'input',
                block_id: 'reason',
                label: { type: 'plain_text', text: 'Reason' },
                element: { type: 'plain_text_input', action_id: 'reason_input' },
              },
            ],
          },
        });
        return;
      }
      if (command.text === 'oversized') {
        await ack({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] });
        return;
      }
      await ack('ok');
    });
    app.action<BlockButtonAction>('rollback_approve', async ({ ack, body, context, respond }) => {
      await ack();
      clicks.push({ body, retryNum: context.retryNum, retryReason: context.retryReason });
      await respond({ replace_original: true, text: `approved by <@${body.user.id}>` });
    });
    app.view<ViewSubmitAction>('reject_reason', async ({ ack, body }) => {
      submissions.push(body);
      await ack(viewAck as never);
    });
    // HTTPReceiver.start passes its argument to server.listen and resolves with the server.
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    fake.setAppUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  beforeEach(() => {
    fake.reset();
    commands.length = 0;
    clicks.length = 0;
    submissions.length = 0;
    viewAck = undefined;
  });

  const send = (text: string, extra: Parameters<FakeSlack['sendSlashCommand']>[0] extends infer O ? Partial<O> : never = {}) =>
    fake.sendSlashCommand({ command: COMMAND, text, userId: 'U0ALICE', channelId: 'C0INC', ...extra });

  it('delivers a slash command exactly as Slack does and shows the ack', async () => {
    const text = '--failed-deployment-id deploy-12345 --reason “bad deploy” ü';
    const result = await send(text);
    expect(result).toMatchObject({ status: 200, body: 'ok' });
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toEqual({
      token: 'fake-verification-token',
      team_id: 'T0FAKE',
      team_domain: 'fake-workspace',
      channel_id: 'C0INC',
      channel_name: 'incidents',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: COMMAND,
      text,
      api_app_id: 'A0FAKEAPP',
      is_enterprise_install: 'false',
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
    });
    expect(result.responseUrl.startsWith(`${fake.baseUrl}/response/`)).toBe(true);
    // Slack shows the ack body to the user who typed the command.
    expect(fake.ephemeralsFor('U0ALICE', 'C0INC')).toEqual([expect.objectContaining({ text: 'ok', via: 'ack' })]);
  });

  it('is refused with 401 when the signature is wrong, missing or stale', async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await send('x', { badSignature: true })).status).toBe(401);
    expect((await send('x', { unsigned: true })).status).toBe(401);
    expect((await send('x', { timestampSeconds: stale })).status).toBe(401);
    expect(commands).toHaveLength(0);
    expect(fake.ephemerals).toHaveLength(0);
  });

  it('clicks a button with a block_actions payload Bolt routes, and respond() replaces the message', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'C0INC',
      text: 'Rollback plan',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*Rollback plan*' } },
        {
          type: 'actions',
          block_id: 'decision',
          elements: [
            { type: 'button', action_id: 'rollback_approve', text: { type: 'plain_text', text: 'Approve' }, value: 'run-1', style: 'primary' },
            { type: 'button', action_id: 'rollback_reject', text: { type: 'plain_text', text: 'Reject' }, value: 'run-1', style: 'danger' },
          ],
        },
      ],
    });
    const ts = posted.ts as string;
    const click = await fake.clickButton({ userId: 'U0ALICE', channelId: 'C0INC', messageTs: ts, actionId: 'rollback_approve' });
    expect(click.status).toBe(200);
    expect(click.body).toBe('');

    const updated = await fake.waitFor(() => fake.findMessage('C0INC', ts)?.text.startsWith('approved') && fake.findMessage('C0INC', ts), 3000);
    expect(updated).toMatchObject({ text: 'approved by <@U0ALICE>', blocks: [] });
    expect(clicks).toHaveLength(1);
    const { body } = clicks[0]!;
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0FAKE' },
      team: { id: 'T0FAKE', domain: 'fake-workspace' },
      api_app_id: 'A0FAKEAPP',
      channel: { id: 'C0INC', name: 'incidents' },
      container: { type: 'message', message_ts: ts, channel_id: 'C0INC', is_ephemeral: false },
      message: { ts, text: 'Rollback plan', bot_id: 'B0FAKEBOT' },
      response_url: click.responseUrl,
      trigger_id: click.triggerId,
    });
    expect(body.actions).toEqual([
      {
        type: 'button',
        action_id: 'rollback_approve',
        block_id: 'decision',
        text: { type: 'plain_text', text: 'Approve' },
        value: 'run-1',
        style: 'primary',
        action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
      },
    ]);
    expect(clicks[0]?.retryNum).toBeUndefined();

    // After the replace the buttons are gone: a user can no longer click them.
    await expect(fake.clickButton({ userId: 'U0ALICE', channelId: 'C0INC', messageTs: ts, actionId: 'rollback_approve' })).rejects.toThrow(
      /cannot click rollback_approve: message C0INC\/\d+\.\d+ has no buttons/,
    );

    // A redelivery carries the retry headers, which Bolt exposes as context.retryNum.
    const again = await fake.redeliver(click, { retryNum: 1 });
    expect(again.status).toBe(200);
    await fake.waitFor(() => clicks.length === 2, 3000);
    expect(clicks[1]).toMatchObject({ retryNum: 1, retryReason: 'http_timeout' });
    // Same response_url twice: both posts count against its limit of 5.
    const posts = await fake.waitFor(() => fake.responses[0]?.posts.length === 2 && fake.responses[0].posts, 3000);
    expect(posts.map((p) => p.ok)).toEqual([true, true]);
  });

  it('does not show an ack Slack would reject, and reports why', async () => {
    const result = await send('oversized');
    expect(result.status).toBe(200);
    expect(result.ackProblems?.[0]).toBe('invalid_blocks');
    expect(result.ackProblems?.[1]).toContain('[json-pointer:/blocks/0/text/text]');
    expect(fake.ephemerals).toHaveLength(0);
  });

  it('clicks a button on an ephemeral only as its owner, and respond() replaces that ephemeral', async () => {
    const eph = await app.client.chat.postEphemeral({
      channel: 'C0INC',
      user: 'U0ALICE',
      text: 'Confirm?',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Confirm the rollback?' },
          accessory: { type: 'button', action_id: 'rollback_approve', text: { type: 'plain_text', text: 'Yes' }, value: 'run-2' },
        },
      ],
    });
    const ts = eph.message_ts as string;
    await expect(fake.clickButton({ userId: 'U0BOB', channelId: 'C0INC', messageTs: ts, actionId: 'rollback_approve' })).rejects.toThrow(
      /visible only to U0ALICE/,
    );
    const click = await fake.clickButton({ userId: 'U0ALICE', channelId: 'C0INC', messageTs: ts, actionId: 'rollback_approve' });
    expect(click.status).toBe(200);
    await fake.waitFor(() => fake.ephemerals[0]?.history.length === 1, 3000);
    expect(fake.ephemerals[0]).toMatchObject({ text: 'approved by <@U0ALICE>', blocks: [] });
    expect(clicks[0]?.body.container).toMatchObject({ message_ts: ts, is_ephemeral: true });
    expect(clicks[0]?.body.message).toBeUndefined();
  });

  it('opens a modal from a slash command trigger and submits it with state values', async () => {
    expect((await send('reject')).status).toBe(200);
    const view = await fake.waitFor(() => fake.views[0], 3000);
    expect(view).toMatchObject({ user: 'U0ALICE', closed: false, view: { callback_id: 'reject_reason' } });

    await expect(fake.submitView({ viewId: view.id, values: {} })).rejects.toThrow(/required input "reason"/);

    viewAck = { response_action: 'errors', errors: { reason: 'Say more' } };
    expect((await fake.submitView({ viewId: view.id, values: { reason: { reason_input: 'bad' } } })).status).toBe(200);
    expect(view.closed).toBe(false);

    viewAck = undefined;
    await fake.submitView({ viewId: view.id, values: { reason: { reason_input: 'bad deploy' } } });
    expect(view.closed).toBe(true);
    expect(submissions).toHaveLength(2);
    expect(submissions[1]).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0ALICE' },
      view: {
        id: view.id,
        callback_id: 'reject_reason',
        private_metadata: 'run-1',
        state: { values: { reason: { reason_input: { type: 'plain_text_input', value: 'bad deploy' } } } },
      },
    });
    expect(view.submissions.map((s) => s.ack)).toEqual([{ response_action: 'errors', errors: { reason: 'Say more' } }, undefined]);
  });
});
