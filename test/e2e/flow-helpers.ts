// Steps of the Slack flow as a person performs them, for the end-to-end tests.
import { expect } from 'vitest';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import { CHANNEL, USERS, type Harness } from '../support/bot-harness.js';

export async function command(h: Harness, text: string, userId: string = USERS.requester) {
  const delivery = await h.slack.sendSlashCommand({ command: '/smartspec_rollback', text, userId, channelId: CHANNEL });
  expect(delivery.status).toBe(200);
  return delivery;
}

export function planMessages(h: Harness): FakeSlackMessage[] {
  return h.slack.messagesIn(CHANNEL).filter((m) => JSON.stringify(m.blocks ?? []).includes('Rollback plan'));
}

export async function waitForPlan(h: Harness, count = 1): Promise<FakeSlackMessage> {
  return h.slack.waitFor(() => planMessages(h)[count - 1], 10_000, `plan message #${count}`);
}

export function runIdOf(message: FakeSlackMessage): string {
  const match = /Run `(rb-[a-z0-9]+)`/.exec(JSON.stringify(message.blocks));
  if (!match?.[1]) throw new Error('no run id in the plan message');
  return match[1];
}

export function hasButtons(message: FakeSlackMessage): boolean {
  return JSON.stringify(message.blocks ?? []).includes('rollback_approve');
}

export async function click(h: Harness, message: FakeSlackMessage, actionId: 'rollback_approve' | 'rollback_reject', userId: string, force = false) {
  // A forced click (on a message whose buttons are gone) carries the run id the button had.
  return h.slack.clickButton({ userId, channelId: CHANNEL, messageTs: message.ts, actionId, value: runIdOf(message), force });
}

export function threadHeaders(h: Harness, message: FakeSlackMessage): string[] {
  return h.slack.threadReplies(CHANNEL, message.ts).map((m) => {
    const first = (m.blocks ?? [])[0] as { type?: string; text?: { text?: string } } | undefined;
    return first?.type === 'header' ? (first.text?.text ?? '') : (m.text ?? '');
  });
}

export async function waitForThread(h: Harness, message: FakeSlackMessage, pattern: RegExp): Promise<FakeSlackMessage> {
  return h.slack.waitFor(
    () => h.slack.threadReplies(CHANNEL, message.ts).find((m) => pattern.test(`${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`)),
    20_000,
    `thread reply matching ${pattern}`,
  );
}

export function ephemeralTexts(h: Harness, userId: string): string[] {
  return [...h.slack.ephemeralsFor(userId).map((e) => `${e.text ?? ''} ${JSON.stringify(e.blocks ?? '')}`)];
}

export async function waitForEphemeral(h: Harness, userId: string, pattern: RegExp): Promise<string> {
  return h.slack.waitFor(() => ephemeralTexts(h, userId).find((t) => pattern.test(t)), 10_000, `ephemeral to ${userId} matching ${pattern}`);
}

/** Writes the bot sent to the cluster (anything but reads), for "nothing was executed" assertions. */
export function clusterWrites(h: Harness): Array<{ method: string; path: string; query: Record<string, string> }> {
  return h.k8s.requests.filter((r) => !['GET', 'HEAD'].includes(r.method));
}

/** Writes that would have changed something: server-side dry runs (dryRun=All) change nothing. */
export function realClusterWrites(h: Harness) {
  return clusterWrites(h).filter((r) => r.query['dryRun'] === undefined);
}
