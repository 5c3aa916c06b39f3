// What one person sees of the incident channel right now, from the fake Slack's records: messages
// with their thread replies, the ephemerals only they can see, and their open modals.
import type { FakeSlack } from '../slack/fake-slack-web-api.js';
import type { FakeSlackEphemeral, FakeSlackMessage, SlackBlock } from '../slack/fake-slack-types.js';

export interface MessageView {
  ts: string;
  threadTs?: string;
  /** Who posted it; every message here comes from the bot, ephemerals included. */
  user: string;
  text: string;
  blocks: SlackBlock[];
  edited: boolean;
  /** Bumped by every chat.update, so the page can tell a live edit from an unchanged message. */
  version: number;
  ephemeral: boolean;
  replies: MessageView[];
}

export interface ViewView {
  id: string;
  view: Record<string, unknown>;
  /** Bumped by views.update, so a re-render keeps typed input only while the view is unchanged. */
  version: number;
}

export interface SlackSnapshot {
  /** Top-level messages and the user's channel ephemerals, in Slack's order (by ts). */
  timeline: MessageView[];
  views: ViewView[];
}

export function slackSnapshot(slack: FakeSlack, channel: string, userId: string): SlackSnapshot {
  const ephemerals = slack.ephemeralsFor(userId, channel);
  const ephemeralView = (e: FakeSlackEphemeral) => ephemeralViewOf(e, slack.identity.botUserId);
  const inThread = (parentTs: string): MessageView[] =>
    sortByTs([
      ...slack.threadReplies(channel, parentTs).map((m) => messageView(m, [])),
      ...ephemerals.filter((e) => e.thread_ts === parentTs).map(ephemeralView),
    ]);
  const timeline = sortByTs([
    ...slack.messagesIn(channel).map((m) => messageView(m, inThread(m.ts))),
    // An ephemeral in a thread whose parent is gone still belongs on screen somewhere.
    ...ephemerals.filter((e) => e.thread_ts === undefined || !slack.findMessage(channel, e.thread_ts)).map(ephemeralView),
  ]);
  const views = slack.views.filter((v) => v.user === userId && !v.closed).map((v) => ({ id: v.id, view: v.view, version: v.history.length }));
  return { timeline, views };
}

function messageView(m: FakeSlackMessage, replies: MessageView[]): MessageView {
  return {
    ts: m.ts,
    ...(m.thread_ts !== undefined && m.thread_ts !== m.ts ? { threadTs: m.thread_ts } : {}),
    user: m.user,
    text: m.text,
    blocks: m.blocks,
    edited: m.edited !== undefined,
    version: m.history.length,
    ephemeral: false,
    replies,
  };
}

function ephemeralViewOf(e: FakeSlackEphemeral, botUserId: string): MessageView {
  return {
    ts: e.ts,
    ...(e.thread_ts !== undefined ? { threadTs: e.thread_ts } : {}),
    user: botUserId,
    text: e.text,
    blocks: e.blocks,
    edited: false,
    version: e.history.length,
    ephemeral: true,
    replies: [],
  };
}

/** Slack ts are "seconds.micros" with six-digit micros; compare as two integers, not as floats. */
function sortByTs(list: MessageView[]): MessageView[] {
  const key = (ts: string) => ts.split('.').map(Number) as [number, number];
  return list.sort((a, b) => {
    const [as, am] = key(a.ts);
    const [bs, bm] = key(b.ts);
    return as - bs || (am ?? 0) - (bm ?? 0);
  });
}
