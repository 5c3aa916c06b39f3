// A positive signal for "nothing happened": after a request the bot refused (401) or should ignore,
// a genuine command from an uninvolved user, answered. The refused request was sent first, so
// anything it had set off would have begun by the time the later one is answered; the test then
// reads the state after a fact, never after a sleep.
import type { FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import { CHANNEL, USERS } from './bot-harness.js';
import { SLASH } from './slack-flow.js';

export async function genuineRoundTrip(slack: FakeSlack, userId: string = USERS.outsider): Promise<void> {
  const before = slack.ephemeralsFor(userId).length;
  const delivery = await slack.sendSlashCommand({ command: SLASH, text: 'help', userId, channelId: CHANNEL });
  if (delivery.status !== 200) throw new Error(`the genuine round trip was answered ${delivery.status}, not 200`);
  await slack.waitFor(() => slack.ephemeralsFor(userId).length > before || undefined, 10_000, `the answer to ${userId}'s help command`);
}
