import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import type { FakeSlackChange } from '../../sandbox/slack/fake-slack-types.js';

const BOT_TOKEN = 'xoxb-fake-test-token';
const SIGNING_SECRET = 'test-signing-secret';

/** WebClient logs Slack's [ERROR] response_metadata lines; the tests provoke them on purpose. */
const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function clientFor(fake: FakeSlack, token: string | undefined): WebClient {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
}

async function slackError(promise: Promise<unknown>): Promise<{ error?: string; errors?: string[] }> {
  try {
    await promise;
  } catch (error) {
    return (error as { data?: { error?: string; errors?: string[] } }).data ?? {};
  }
  throw new Error('expected the Slack call to fail');
}

let fake: FakeSlack;
let client: WebClient;
let clock: number;

beforeEach(async () => {
  clock = Date.UTC(2026, 10, 20, 10, 30);
  fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    users: [
      { id: 'U0ALICE', name: 'alice', realName: 'Alice Approver' },
      { id: 'U0BOB', name: 'bob' },
    ],
    userGroups: { S0SRE: ['U0ALICE', 'U0BOB'] },
    now: () => clock,
  });
  client = clientFor(fake, BOT_TOKEN);
});

afterEach(async () => {
  await fake.close();
});

describe('fake Slack Web API through the real WebClient', () => {
  it('answers auth.test with the bot identity', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({
      ok: true,
      user_id: fake.identity.botUserId,
      bot_id: fake.identity.botId,
      team_id: fake.identity.teamId,
    });
    expect(fake.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('records posts, thread replies, updates and ephemerals', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Plan*' } }];
    const post = await client.chat.postMessage({ channel: 'C0INC', text: 'plan', blocks });
    expect(post).toMatchObject({ ok: true, channel: 'C0INC', message: { text: 'plan', bot_id: 'B0FAKEBOT' } });
    const ts = post.ts as string;
    expect(ts).toMatch(/^\d+\.\d{6}$/);

    const reply = await client.chat.postMessage({ channel: 'C0INC', text: 'step 1', thread_ts: ts });
    // A reply to a reply still lands in the parent's thread.
    await client.chat.postMessage({ channel: 'C0INC', text: 'step 2', thread_ts: reply.ts as string });
    await client.chat.update({ channel: 'C0INC', ts, text: 'plan (approved)' });
    const eph = await client.chat.postEphemeral({ channel: 'C0INC', user: 'U0BOB', text: 'only you' });

    expect(fake.messagesIn('C0INC').map((m) => m.text)).toEqual(['plan (approved)']);
    expect(fake.threadReplies('C0INC', ts).map((m) => m.text)).toEqual(['step 1', 'step 2']);
    const parent = fake.findMessage('C0INC', ts);
    expect(parent).toMatchObject({ reply_count: 2, thread_ts: ts, edited: { user: 'U0FAKEBOT' } });
    // chat.update without blocks keeps them, as Slack does; the old version is in history.
    expect(parent?.blocks[0]).toMatchObject({ type: 'section', block_id: expect.any(String) });
    expect(parent?.history.map((v) => v.text)).toEqual(['plan']);
    expect(fake.ephemeralsFor('U0BOB')).toEqual([
      expect.objectContaining({ channel: 'C0INC', ts: eph.message_ts, text: 'only you', via: 'chat.postEphemeral' }),
    ]);
    expect(fake.callsTo('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C0INC', blocks });

    const link = await client.chat.getPermalink({ channel: 'C0INC', message_ts: ts });
    expect(link.permalink).toBe(`https://fake-workspace.slack.com/archives/C0INC/p${ts.replace('.', '')}`);
  });

  it('rejects wrong and missing tokens and unknown methods', async () => {
    expect(await slackError(clientFor(fake, 'xoxb-wrong').chat.postMessage({ channel: 'C1', text: 'x' }))).toMatchObject({
      error: 'invalid_auth',
    });
    expect(await slackError(clientFor(fake, undefined).auth.test())).toMatchObject({ error: 'not_authed' });
    expect(await slackError(client.apiCall('rollback.now'))).toMatchObject({ error: 'unknown_method' });
    expect(fake.messages).toHaveLength(0);
  });

  it('accepts JSON bodies with the token in the Authorization header', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${BOT_TOKEN}` },
      body: JSON.stringify({ channel: 'C1', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C1' });
    expect(fake.messagesIn('C1')[0]).toMatchObject({ text: 'json', blocks: [{ type: 'divider' }] });
  });

  it('answers usergroups.users.list and users.info from the directory', async () => {
    expect((await client.usergroups.users.list({ usergroup: 'S0SRE' })).users).toEqual(['U0ALICE', 'U0BOB']);
    expect(await slackError(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).toMatchObject({
      error: 'no_such_subteam',
    });
    const info = await client.users.info({ user: 'U0ALICE' });
    expect(info.user).toMatchObject({ id: 'U0ALICE', name: 'alice', real_name: 'Alice Approver', is_bot: false });
    expect(await slackError(client.users.info({ user: 'U0NOBODY' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('honours trigger ids only when issued, fresh (3 s) and unused', async () => {
    const view = {
      type: 'modal' as const,
      callback_id: 'rollback_reason',
      title: { type: 'plain_text' as const, text: 'Reject rollback' },
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'Why?' } }],
    };
    const fresh = fake.workspace.issueTriggerId('U0ALICE');
    clock += 2999;
    const opened = await client.views.open({ trigger_id: fresh, view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'rollback_reason' });
    expect(fake.views[0]).toMatchObject({ user: 'U0ALICE', closed: false });
    expect(await slackError(client.views.open({ trigger_id: fresh, view }))).toMatchObject({
      error: 'exchanged_trigger_id',
    });

    const stale = fake.workspace.issueTriggerId('U0ALICE');
    clock += 3001;
    expect(await slackError(client.views.open({ trigger_id: stale, view }))).toMatchObject({
      error: 'expired_trigger_id',
    });
    expect(await slackError(client.views.open({ trigger_id: '123.456.made-up', view }))).toMatchObject({
      error: 'invalid_trigger_id',
    });

    const tooBig = { ...view, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) };
    const problems = await slackError(client.views.open({ trigger_id: fake.workspace.issueTriggerId('U0ALICE'), view: tooBig }));
    expect(problems).toMatchObject({ error: 'invalid_arguments' });
    expect(problems.errors?.[0]).toContain('[json-pointer:/view/blocks]');
    const hundred = { ...view, blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) };
    await expect(client.views.open({ trigger_id: fake.workspace.issueTriggerId('U0ALICE'), view: hundred })).resolves.toMatchObject({ ok: true });
  });

  it('emits a change for every post, update, ephemeral and view', async () => {
    const seen: FakeSlackChange['type'][] = [];
    const stop = fake.onChange((change) => {
      if (change.type !== 'api_call') seen.push(change.type);
    });
    const post = await client.chat.postMessage({ channel: 'C1', text: 'a' });
    await client.chat.update({ channel: 'C1', ts: post.ts as string, text: 'b' });
    await client.chat.postEphemeral({ channel: 'C1', user: 'U0BOB', text: 'c' });
    await client.views.open({
      trigger_id: fake.workspace.issueTriggerId('U0BOB'),
      view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] },
    });
    stop();
    await client.chat.postMessage({ channel: 'C1', text: 'after unsubscribe' });
    expect(seen).toEqual(['message_posted', 'message_updated', 'ephemeral_posted', 'view_opened']);
  });

  it('resets everything it recorded', async () => {
    await client.chat.postMessage({ channel: 'C1', text: 'a' });
    fake.failNext('chat.postMessage', 'channel_not_found');
    fake.reset();
    expect([fake.calls.length, fake.messages.length]).toEqual([0, 0]);
    await expect(client.chat.postMessage({ channel: 'C1', text: 'b' })).resolves.toMatchObject({ ok: true });
  });
});

describe('failure injection', () => {
  it('answers ratelimited with 429 + Retry-After, which WebClient waits out and retries', async () => {
    const retrying = new WebClient(BOT_TOKEN, {
      slackApiUrl: fake.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 10 },
    });
    fake.failNext('chat.postMessage', 'ratelimited');
    const started = Date.now();
    await expect(retrying.chat.postMessage({ channel: 'C1', text: 'after backoff' })).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // honoured Retry-After: 1
    expect(fake.callsTo('chat.postMessage').map((c) => [c.httpStatus, c.error ?? 'ok'])).toEqual([
      [429, 'ratelimited'],
      [200, 'ok'],
    ]);
    expect(fake.messagesIn('C1')).toHaveLength(1);
  });

  it('answers internal_error with HTTP 500 (retried by WebClient) and other errors with ok:false', async () => {
    const retrying = new WebClient(BOT_TOKEN, {
      slackApiUrl: fake.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 },
    });
    fake.failNext('chat.update', 'internal_error');
    const post = await retrying.chat.postMessage({ channel: 'C1', text: 'a' });
    await expect(retrying.chat.update({ channel: 'C1', ts: post.ts as string, text: 'b' })).resolves.toMatchObject({ ok: true });
    expect(fake.callsTo('chat.update').map((c) => c.httpStatus)).toEqual([500, 200]);

    fake.failNext('chat.postMessage', 'channel_not_found', 2);
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    expect(await slackError(client.chat.postMessage({ channel: 'C1', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
  });
});

describe('response_url', () => {
  async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }

  it('shows ephemeral by default, in_channel on request, and allows 5 posts', async () => {
    const url = fake.workspace.issueResponseUrl(fake.baseUrl, 'slash_command', 'C0INC', 'U0ALICE').url;
    expect(await post(url, { text: 'working on it' })).toEqual({ status: 200, body: { ok: true } });
    expect(await post(url, { text: 'plan posted', response_type: 'in_channel' })).toMatchObject({ status: 200 });
    expect(await post(url, { text: 'step 2', replace_original: true })).toMatchObject({ status: 200 });
    expect(await post(url, { text: 'four' })).toMatchObject({ status: 200 });
    expect(await post(url, { text: 'five' })).toMatchObject({ status: 200 });
    expect(await post(url, { text: 'six' })).toEqual({ status: 404, body: { ok: false, error: 'used_url' } });

    expect(fake.messagesIn('C0INC').map((m) => [m.text, m.via])).toEqual([['plan posted', 'response_url']]);
    const ephemerals = fake.ephemeralsFor('U0ALICE', 'C0INC');
    // replace_original on a slash command replaces the last ephemeral it showed.
    expect(ephemerals.map((e) => e.text)).toEqual(['step 2', 'four', 'five']);
    expect(ephemerals[0]?.history.map((v) => v.text)).toEqual(['working on it']);
    expect(fake.responses[0]?.posts.map((p) => p.ok)).toEqual([true, true, true, true, true, false]);
  });

  it('replaces or deletes the message a button was clicked on', async () => {
    const plan = await client.chat.postMessage({ channel: 'C0INC', text: 'plan', blocks: [{ type: 'divider' }] });
    const ts = plan.ts as string;
    const source = { messageTs: ts, isEphemeral: false };
    const replace = fake.workspace.issueResponseUrl(fake.baseUrl, 'block_actions', 'C0INC', 'U0ALICE', source).url;
    expect(await post(replace, { replace_original: true, text: 'approved by alice' })).toMatchObject({ status: 200 });
    // Replacing swaps the whole message: the divider is gone.
    expect(fake.findMessage('C0INC', ts)).toMatchObject({ text: 'approved by alice', blocks: [] });

    const remove = fake.workspace.issueResponseUrl(fake.baseUrl, 'block_actions', 'C0INC', 'U0ALICE', source).url;
    expect(await post(remove, { delete_original: true })).toMatchObject({ status: 200 });
    expect(fake.findMessage('C0INC', ts)).toBeUndefined();
  });

  it('rejects invalid blocks, missing text, expired and unknown URLs', async () => {
    const url = fake.workspace.issueResponseUrl(fake.baseUrl, 'slash_command', 'C1', 'U0BOB').url;
    expect(await post(url, { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] })).toMatchObject({
      status: 400,
      body: { ok: false, error: 'invalid_blocks' },
    });
    expect(await post(url, {})).toMatchObject({ status: 400, body: { error: 'no_text' } });
    clock += 30 * 60 * 1000 + 1;
    expect(await post(url, { text: 'late' })).toEqual({ status: 404, body: { ok: false, error: 'expired_url' } });
    expect(await post(`${fake.baseUrl}/response/T0FAKE/nope`, { text: 'x' })).toMatchObject({ status: 404 });
    expect(fake.ephemerals).toHaveLength(0);
  });
});

describe('waitFor', () => {
  it('resolves as soon as the change happens', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: 'C2', text: 'later' }), 50);
    const message = await fake.waitFor(() => fake.messagesIn('C2')[0], 2000);
    expect(message.text).toBe('later');
  });

  it('treats false and throwing predicates as "not yet"', async () => {
    setTimeout(() => void client.chat.postMessage({ channel: 'C2', text: 'x' }), 20);
    await expect(fake.waitFor(() => fake.messages.length > 0, 2000)).resolves.toBe(true);
    setTimeout(() => void client.chat.postMessage({ channel: 'C3', text: 'y' }), 20);
    const m = await fake.waitFor(() => {
      const found = fake.messagesIn('C3')[0];
      if (!found) throw new Error('not there');
      return found;
    }, 2000);
    expect(m.text).toBe('y');
  });

  it('times out with a clear message and a dump of what was recorded', async () => {
    await client.chat.postMessage({ channel: 'C0INC', text: 'the only message' });
    const error = await fake
      .waitFor(() => fake.messagesIn('C0OTHER')[0], 100, 'a message in C0OTHER')
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toContain('waitFor timed out after 100 ms for a message in C0OTHER');
    expect(error?.message).toContain('chat.postMessage → ok');
    expect(error?.message).toContain('the only message');
  });
});
