// Who is in the demo's Slack workspace and which fixed credentials wire the pieces together.
// The tokens below are NOT secrets: they only let three loopback servers in one process (fake
// Slack, the emulated cluster, the bot) talk to each other. Real deployments use their own.
import type { FakeSlackUser } from '../slack/fake-slack-types.js';

export const DEMO_BOT_TOKEN = 'xoxb-demo-0000-not-a-secret';
export const DEMO_SIGNING_SECRET = 'demo-signing-secret-not-a-secret';
export const DEMO_API_TOKEN = 'demo-api-token-not-a-secret';

export const DEMO_CHANNEL = { id: 'C0INCIDENTS', name: 'incidents' } as const;
export const DEMO_COMMAND = '/smartspec_rollback';

export interface DemoUser extends FakeSlackUser {
  /** What this person is in the approval policy, shown in the user switcher. */
  role: string;
}

// The same ids as test/support/bot-harness.ts so a reader can move between tests and demo freely.
export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'U0REQUEST', name: 'riley', realName: 'Riley Chen', role: 'on call · asks for the rollback' },
  { id: 'U0APPROVE', name: 'alex', realName: 'Alex Kim', role: 'approver' },
  { id: 'U0SECOND', name: 'sam', realName: 'Sam Patel', role: 'approver' },
  { id: 'U0ONCALL', name: 'jordan', realName: 'Jordan Lee', role: 'approver through @oncall' },
  { id: 'U0OUTSIDE', name: 'casey', realName: 'Casey Diaz', role: 'not an approver' },
];

/** User groups: id → handle and members. Slack mentions them as <!subteam^S0ONCALL>. */
export const DEMO_GROUPS: Readonly<Record<string, { handle: string; members: string[] }>> = {
  S0ONCALL: { handle: 'oncall', members: ['U0ONCALL'] },
};
