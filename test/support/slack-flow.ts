// The Slack side of a rollback as people perform it, for any world that has the fake Slack (the
// in-process harness or a bot running as a process). Plans are found by their failed deployment id,
// so several services can have plans in one channel at once.
import type { FakeSlack } from '../../sandbox/slack/fake-slack-web-api.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import { CHANNEL, USERS } from './bot-harness.js';

export const SLASH = '/smartspec_rollback';

export async function sendCommand(slack: FakeSlack, text: string, userId: string = USERS.requester) {
  return slack.sendSlashCommand({ command: SLASH, text, userId, channelId: CHANNEL });
}

export function plansFor(slack: FakeSlack, failedDeploymentId: string): FakeSlackMessage[] {
  const header = `Rollback plan: ${failedDeploymentId}"`;
  return slack.messagesIn(CHANNEL).filter((m) => JSON.stringify(m.blocks ?? []).includes(header));
}

export async function waitForPlanFor(slack: FakeSlack, failedDeploymentId: string, count = 1, timeoutMs = 15_000): Promise<FakeSlackMessage> {
  return slack.waitFor(() => plansFor(slack, failedDeploymentId)[count - 1], timeoutMs, `plan #${count} for ${failedDeploymentId}`);
}

export function runIdOf(message: FakeSlackMessage): string {
  const match = /Run `(rb-[a-z0-9]+)`/.exec(JSON.stringify(message.blocks));
  if (!match?.[1]) throw new Error('no run id in the plan message');
  return match[1];
}

export function hasApproveButton(message: FakeSlackMessage): boolean {
  return JSON.stringify(message.blocks ?? []).includes('rollback_approve');
}

/** A click on the plan's button; forced, because a real click can race the update that removes it. */
export async function clickDecision(slack: FakeSlack, plan: FakeSlackMessage, action: 'rollback_approve' | 'rollback_reject', userId: string) {
  return slack.clickButton({ userId, channelId: CHANNEL, messageTs: plan.ts, actionId: action, value: runIdOf(plan), force: true });
}

export function threadTexts(slack: FakeSlack, plan: FakeSlackMessage): string[] {
  return slack.threadReplies(CHANNEL, plan.ts).map((m) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`);
}

export async function waitForThreadText(slack: FakeSlack, plan: FakeSlackMessage, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return slack.waitFor(() => threadTexts(slack, plan).find((t) => pattern.test(t)), timeoutMs, `thread reply matching ${pattern}`);
}

/** The current version of the plan message, once it matches. */
export async function waitForPlanState(slack: FakeSlack, plan: FakeSlackMessage, pattern: RegExp, timeoutMs = 20_000): Promise<FakeSlackMessage> {
  return slack.waitFor(
    () => {
      const current = slack.findMessage(CHANNEL, plan.ts);
      return current && pattern.test(JSON.stringify(current.blocks)) ? current : undefined;
    },
    timeoutMs,
    `plan message matching ${pattern}`,
  );
}

/** What one user was told privately: ephemerals, including ack bodies and response_url posts. */
export function ephemeralTextsFor(slack: FakeSlack, userId: string): string[] {
  return slack.ephemeralsFor(userId).map((e) => `${e.text ?? ''} ${JSON.stringify(e.blocks ?? '')}`);
}
