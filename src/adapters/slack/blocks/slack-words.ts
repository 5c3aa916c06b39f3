// How the domain's people, places and steps read in Slack: mentions for Slack users and user
// groups, components with where they were found. The core hands data; only this adapter knows the
// markup (`<@U…>`, `<!subteam^S…>`, `<!date^…>`).
import type { ApproverRef, ComponentPlace, StepRef } from '../../../core/coordinator/run-events.js';
import type { Actor } from '../../../core/model.js';
import { escapeMrkdwn, inlineCode } from './block-kit.js';

const SLACK_ID = /^[A-Z0-9]{2,32}$/;

/** A Slack user as a mention; other actors (CI, PagerDuty, the bot) by name and kind, never as markup. */
export function actorText(actor: Actor): string {
  if (actor.kind === 'slack_user' && SLACK_ID.test(actor.id)) return `<@${actor.id}>`;
  const who = escapeMrkdwn(actor.name ?? actor.id);
  switch (actor.kind) {
    case 'api':
      return `${who} (API)`;
    case 'cli':
      return `${who} (CLI)`;
    case 'pagerduty':
      return `PagerDuty (${who})`;
    case 'system':
      return 'the bot';
    default:
      return who;
  }
}

export function userMention(userId: string): string {
  return SLACK_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

export function approverMention(ref: ApproverRef): string {
  if (!SLACK_ID.test(ref.id)) return escapeMrkdwn(ref.id);
  return ref.kind === 'user_group' ? `<!subteam^${ref.id}>` : `<@${ref.id}>`;
}

/** The catalog lists approvers as Slack ids: `S…` are user groups, the rest people. */
export function approverRefs(ids: readonly string[]): ApproverRef[] {
  return ids.map((id) => ({ kind: id.startsWith('S') ? 'user_group' : 'user', id }));
}

export function approverList(refs: readonly ApproverRef[]): string {
  return refs.map(approverMention).join(' ');
}

export function stepNumbers(steps: readonly StepRef[]): string {
  return steps.map((s) => s.index).join(', ');
}

const PLACE: Record<ComponentPlace['at'], string> = {
  target: ':white_check_mark: at the rollback target',
  start: ':leftwards_arrow_with_hook: as before the rollback',
  elsewhere: ':warning: neither where the plan found it nor at the target',
  unknown: ':grey_question: unknown (the cluster could not be read)',
};

/** "checkout-api — at the rollback target: `image` (revision 5)". */
export function componentPlaceLine(place: ComponentPlace): string {
  const images = place.images.length > 0 ? `: ${place.images.map(inlineCode).join(', ')}` : '';
  const revision = place.revision === undefined ? '' : ` (revision ${place.revision})`;
  const rolling = place.rolloutInProgress ? ', rollout still in progress' : '';
  return `• *${escapeMrkdwn(place.component)}* — ${PLACE[place.at]}${images}${revision}${rolling}`;
}

/** A time each reader sees in their own zone (Slack's date token), "10:15 UTC" where it cannot render. */
export function clockTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{time}|${new Date(ms).toISOString().slice(11, 16)} UTC>`;
}
