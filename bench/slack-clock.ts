// When the fake Slack saw the bot's messages, on this process's monotonic clock: listeners are set up
// before the action that causes them, so no message can slip past.
import type { FakeSlack } from '../sandbox/slack/fake-slack-web-api.js';

/** performance.now() when the plan for `failedDeploymentId` is posted. */
export function planPosted(slack: FakeSlack, failedDeploymentId: string, timeoutMs = 60_000): Promise<{ at: number; ts: string }> {
  const header = `Rollback plan: ${failedDeploymentId}"`;
  return awaitChange(slack, timeoutMs, `the plan for ${failedDeploymentId}`, (change) =>
    change.type === 'message_posted' && JSON.stringify(change.message.blocks).includes(header) ? change.message.ts : undefined,
  );
}

/** performance.now() when the plan message `ts` is updated to a final state (rolled back or failed). */
export function planSettled(slack: FakeSlack, ts: string, timeoutMs = 120_000): Promise<{ at: number; outcome: string }> {
  return awaitChange(slack, timeoutMs, `plan ${ts} to settle`, (change) => {
    if (change.type !== 'message_updated' || change.message.ts !== ts) return undefined;
    const text = JSON.stringify(change.message.blocks);
    return /Rolled back/.test(text) ? 'succeeded' : /Rollback failed|Not executed|Interrupted/.test(text) ? 'failed' : undefined;
  }).then(({ at, ts: outcome }) => ({ at, outcome }));
}

function awaitChange(
  slack: FakeSlack,
  timeoutMs: number,
  what: string,
  match: (change: Parameters<Parameters<FakeSlack['onChange']>[0]>[0]) => string | undefined,
): Promise<{ at: number; ts: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const stop = slack.onChange((change) => {
      const value = match(change);
      if (value === undefined) return;
      clearTimeout(timer);
      stop();
      resolve({ at: performance.now(), ts: value });
    });
  });
}
