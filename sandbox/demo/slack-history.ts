// The channel's messages kept across restarts, as Slack keeps them: the bot's stored runs point at
// message ts values, so a plan posted before a restart can still be approved, rejected and updated
// after it. Ephemerals are not kept (Slack forgets them too).
import type { FakeSlack } from '../slack/fake-slack-web-api.js';
import type { FakeSlackMessage } from '../slack/fake-slack-types.js';

const KEEP_MESSAGES = 300;

export function captureSlackMessages(slack: FakeSlack): FakeSlackMessage[] {
  // Earlier versions only feed the fake's own bookkeeping; the page needs the current one.
  return slack.messages
    .filter((m) => !m.deleted)
    .slice(-KEEP_MESSAGES)
    .map((m) => ({ ...m, history: [] }));
}

/** Before the bot starts, so what it says at start (an interrupted run, say) lands in the right thread. */
export function restoreSlackMessages(slack: FakeSlack, saved: unknown[]): void {
  for (const message of saved) {
    if (isMessage(message)) slack.workspace.messages.push({ ...message, history: [] });
  }
}

function isMessage(value: unknown): value is FakeSlackMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.channel === 'string' &&
    typeof m.ts === 'string' &&
    /^\d+\.\d{6}$/.test(m.ts) &&
    typeof m.text === 'string' &&
    Array.isArray(m.blocks) &&
    typeof m.reply_count === 'number'
  );
}
