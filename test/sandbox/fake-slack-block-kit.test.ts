import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';

const BOT_TOKEN = 'xoxb-block-kit';

const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (over: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Approve'),
  action_id: 'rollback_approve',
  value: 'run-1',
  ...over,
});
const actions = (elements: unknown[]) => ({ type: 'actions', elements });
const buttons = (n: number) => Array.from({ length: n }, (_, i) => button({ action_id: `a${i}` }));
const x = (n: number) => 'x'.repeat(n);

let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN, signingSecret: 's' });
  client = new WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, logger: silentLogger, retryConfig: { retries: 0 } });
});

afterAll(async () => {
  await fake.close();
});

async function postError(args: Record<string, unknown>): Promise<{ error?: string; errors?: string[] }> {
  try {
    await client.apiCall('chat.postMessage', { channel: 'C1', text: 'fallback', ...args });
  } catch (error) {
    return (error as { data: { error?: string; errors?: string[] } }).data;
  }
  return {};
}

describe('Block Kit limits (as Slack enforces them)', () => {
  const over: Array<[string, unknown[], string]> = [
    ['more than 50 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), '/blocks]'],
    ['section text over 3000', [section(x(3001))], '/blocks/0/text/text]'],
    ['empty section text', [section('')], 'must be more than 0 characters'],
    ['section without text or fields', [{ type: 'section' }], 'must provide text or fields'],
    ['header text over 150', [{ type: 'header', text: plain(x(151)) }], '/blocks/0/text/text]'],
    ['header in mrkdwn', [{ type: 'header', text: mrkdwn('Plan') }], 'must be plain_text [json-pointer:/blocks/0/text/type]'],
    ['more than 10 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => mrkdwn('f')) }], '/blocks/0/fields]'],
    ['field over 2000', [{ type: 'section', fields: [mrkdwn(x(2001))] }], '/blocks/0/fields/0/text]'],
    ['button text over 75', [actions([button({ text: plain(x(76)) })])], '/blocks/0/elements/0/text/text]'],
    ['button value over 2000', [actions([button({ value: x(2001) })])], '/blocks/0/elements/0/value]'],
    ['action_id over 255', [actions([button({ action_id: x(256) })])], '/blocks/0/elements/0/action_id]'],
    ['block_id over 255', [{ type: 'divider', block_id: x(256) }], '/blocks/0/block_id]'],
    ['more than 25 elements in actions', [actions(buttons(26))], '/blocks/0/elements]'],
    ['duplicate action_ids in one block', [actions([button(), button({ value: 'run-2' })])], 'duplicate action_id: rollback_approve'],
    [
      'duplicate block_ids in a message',
      [
        { type: 'divider', block_id: 'b' },
        { type: 'divider', block_id: 'b' },
      ],
      'duplicate block_id: b',
    ],
    ['context with more than 10 elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => mrkdwn('c')) }], '/blocks/0/elements]'],
    ['unknown block type', [{ type: 'fancy_panel' }], 'unsupported type: fancy_panel'],
    ['unknown element type', [actions([{ type: 'slider', action_id: 's' }])], 'unsupported type: slider'],
    ['button style', [actions([button({ style: 'green' })])], 'must be one of primary, danger'],
    [
      'confirm dialog title over 100',
      [actions([button({ confirm: { title: plain(x(101)), text: plain('t'), confirm: plain('y'), deny: plain('n') } })])],
      '/confirm/title/text]',
    ],
  ];

  it.each(over)('rejects %s', async (_name, blocks, expected) => {
    const failure = await postError({ blocks });
    expect(failure.error).toBe('invalid_blocks');
    expect(failure.errors?.join('\n')).toContain(expected);
  });

  it('rejects message text over 40,000 characters with msg_too_long, and no content with no_text', async () => {
    expect((await postError({ text: x(40_001) })).error).toBe('msg_too_long');
    expect((await postError({ text: '', blocks: [] })).error).toBe('no_text');
    expect((await postError({ blocks: '[not json' })).error).toBe('invalid_blocks_format');
  });

  it('accepts a message exactly at every limit', async () => {
    const atLimit = [
      { type: 'header', text: plain(x(150)) },
      section(x(3000)),
      { type: 'section', fields: Array.from({ length: 10 }, () => mrkdwn(x(2000))) },
      actions(Array.from({ length: 25 }, (_, i) => button({ action_id: `${i}`.padEnd(255, 'a'), text: plain(x(75)), value: x(2000) }))),
      { type: 'context', elements: Array.from({ length: 10 }, () => mrkdwn('c')) },
      ...Array.from({ length: 45 }, (_, i) => ({ type: 'divider', block_id: `d${i}`.padEnd(255, '-') })),
    ];
    expect(atLimit).toHaveLength(50);
    const result = await client.chat.postMessage({ channel: 'C1', text: x(40_000), blocks: atLimit });
    expect(result.ok).toBe(true);
    expect(fake.findMessage('C1', result.ts as string)?.blocks).toHaveLength(50);
  });

  it('applies the same limits to chat.update and chat.postEphemeral', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'ok' });
    const tooLong = [section(x(3001))];
    await expect(client.chat.update({ channel: 'C1', ts: posted.ts as string, text: 'x', blocks: tooLong })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'x', blocks: tooLong })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(fake.findMessage('C1', posted.ts as string)?.text).toBe('ok');
    expect(fake.ephemerals).toHaveLength(0);
  });
});
