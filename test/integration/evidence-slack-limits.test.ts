// Huge evidence posted to the fake Slack through the real chat surface: the fake rejects anything
// Slack would, so an accepted post proves the thread messages fit, and they say they were truncated.
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChatSurface } from '../../src/adapters/slack/slack-chat-surface.js';
import type { Evidence } from '../../src/core/evidence.js';
import { startFakeSlack, type FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { finishedRun, INCIDENT, t, withRecords } from '../unit/report-fixtures.js';

const BOT_TOKEN = 'xoxb-evidence-limits';
const CHANNEL = 'C0INCIDENTS';
const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

let fake: FakeSlack;
let chat: SlackChatSurface;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN, signingSecret: 'unused', channels: [{ id: CHANNEL, name: 'incidents' }] });
  const client = new WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, logger: silent, retryConfig: { retries: 0 } });
  chat = new SlackChatSurface(client, { now: () => new Date(t('10:45:00')) });
});

afterAll(async () => {
  await fake.close();
});

function enormous(): Evidence {
  const long = (i: number) => `${'ä'.repeat(400)} 🔥 line ${i} <!channel> password=hunter2-${i}`;
  const name = (i: number) => `checkout-api-7d9f-${String(i).padStart(5, '0')}`;
  return withRecords(
    {
      failedImages: ['registry.example/checkout-api:v1.2.1'],
      pods: Array.from({ length: 50 }, (_, i) => ({
        name: name(i),
        component: 'checkout-api',
        image: 'registry.example/checkout-api:v1.2.1',
        phase: 'Running',
        ready: false,
        restarts: 9,
        waitingReason: 'CrashLoopBackOff',
        lastTerminationReason: 'Error',
        lastExitCode: 1,
      })),
      warnings: Array.from({ length: 30 }, (_, i) => ({
        object: `Pod/${name(i)}`,
        reason: 'Unhealthy',
        message: `Readiness probe failed: ${long(i)}`,
        count: 50 - i,
      })),
      logs: Array.from({ length: 3 }, (_, i) => ({ pod: name(i), container: 'checkout-api', lines: Array.from({ length: 20 }, (_, j) => long(j)) })),
      diff: {
        components: [
          {
            component: 'checkout-api',
            images: [],
            env: { added: [], removed: Array.from({ length: 300 }, (_, i) => `REMOVED_${i}_${'Q'.repeat(30)}`), changed: [] },
            resources: [],
            probes: [],
            configHashes: [],
            configRefs: { added: [], removed: [] },
          },
        ],
      },
    },
    {
      incident: {
        id: INCIDENT.id,
        entries: Array.from({ length: 40 }, (_, i) => ({ at: t('10:41:05'), type: 'annotate_log_entry', summary: long(i) })),
      },
    },
  );
}

describe('thread reports with huge evidence, through the fake Slack', () => {
  it('posts both reports in the thread, within limits, saying what was cut and where the rest is', async () => {
    const run = { ...finishedRun(enormous()), channel: CHANNEL, message: { channel: CHANNEL, ts: '1700000000.000100' } };
    await chat.postThreadReport(run, 'verification');
    await chat.postThreadReport(run, 'root_cause');
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(2);
    const replies = fake.threadReplies(CHANNEL, '1700000000.000100');
    expect(replies).toHaveLength(2);
    const rootCause = JSON.stringify(replies[1]?.blocks);
    expect(rootCause).toContain('Truncated to fit Slack');
    expect(rootCause).toContain('GET /api/v1/rollbacks/rb-fixture01/report');
    expect(rootCause).not.toContain('hunter2');
    expect(rootCause).not.toContain('<!channel>');
  });
});
