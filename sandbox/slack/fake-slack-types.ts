// Records kept by the fake Slack workspace. Field names that exist in Slack's own payloads keep
// Slack's snake_case (ts, thread_ts, bot_id …) so a test can compare them with what the bot sent;
// bookkeeping that only the fake has (history, via, deleted …) is camelCase.
// Every record is plain JSON so a browser demo can stream it as is.

export interface FakeSlackUser {
  id: string;
  name: string;
  realName?: string;
  isBot?: boolean;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
}

/** Any JSON value Slack accepted as a block; validated by block-kit-limits, otherwise opaque here. */
export type SlackBlock = Record<string, unknown>;

export interface MessageVersion {
  text: string;
  blocks: SlackBlock[];
  /** When this version stopped being current (fake clock, ms). */
  replacedAt: number;
}

/** How a message or ephemeral came to exist: the Web API, a response_url post, or an ack body. */
export type MessageOrigin = 'chat.postMessage' | 'chat.postEphemeral' | 'response_url' | 'ack';

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  /** Set on replies, and on a parent once it has replies (as Slack does). */
  thread_ts?: string;
  user: string;
  bot_id: string;
  text: string;
  blocks: SlackBlock[];
  reply_count: number;
  /** Slack's `edited` marker, present after chat.update. */
  edited?: { user: string; ts: string };
  /** Earlier versions, oldest first. */
  history: MessageVersion[];
  postedAt: number;
  deleted: boolean;
  via: MessageOrigin;
}

export interface FakeSlackEphemeral {
  channel: string;
  /** The user who alone can see it. */
  user: string;
  /** Slack's `message_ts` for the ephemeral. */
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: SlackBlock[];
  history: MessageVersion[];
  postedAt: number;
  deleted: boolean;
  via: MessageOrigin;
}

export interface RecordedCall {
  method: string;
  /** Parsed arguments, without the token. */
  args: Record<string, unknown>;
  at: number;
  httpStatus: number;
  ok: boolean;
  error?: string;
}

export type InteractionKind = 'slash_command' | 'block_actions' | 'view_submission';

export interface ResponseUrlPost {
  at: number;
  body: unknown;
  httpStatus: number;
  ok: boolean;
  error?: string;
}

export interface FakeSlackResponseUrl {
  id: string;
  url: string;
  kind: InteractionKind;
  channel: string;
  user: string;
  /** The message the interaction came from (block_actions only). */
  messageTs?: string;
  messageIsEphemeral?: boolean;
  /** The ephemeral this URL (or the ack before it) last showed; replace_original targets it. */
  lastEphemeralTs?: string;
  issuedAt: number;
  /** Accepted posts count against Slack's limit of 5; rejected ones are recorded too. */
  posts: ResponseUrlPost[];
}

export interface ViewSubmissionRecord {
  at: number;
  user: string;
  values: Record<string, Record<string, unknown>>;
  /** What the app acknowledged with (response_action …), parsed if JSON. */
  ack: unknown;
}

export interface FakeSlackView {
  id: string;
  user: string;
  triggerId: string;
  /** The view as Slack returns it from views.open (with id, state, hash …). */
  view: Record<string, unknown>;
  openedAt: number;
  closed: boolean;
  history: Array<{ view: Record<string, unknown>; replacedAt: number }>;
  submissions: ViewSubmissionRecord[];
}

export type FakeSlackChange =
  | { type: 'api_call'; call: RecordedCall }
  | { type: 'message_posted'; message: FakeSlackMessage }
  | { type: 'message_updated'; message: FakeSlackMessage; previous: MessageVersion }
  | { type: 'message_deleted'; message: FakeSlackMessage }
  | { type: 'ephemeral_posted'; ephemeral: FakeSlackEphemeral }
  | { type: 'ephemeral_updated'; ephemeral: FakeSlackEphemeral; previous: MessageVersion }
  | { type: 'ephemeral_deleted'; ephemeral: FakeSlackEphemeral }
  | { type: 'view_opened'; view: FakeSlackView }
  | { type: 'view_updated'; view: FakeSlackView }
  | { type: 'view_closed'; view: FakeSlackView }
  | { type: 'response_url_posted'; response: FakeSlackResponseUrl; post: ResponseUrlPost }
  | { type: 'reset' };

/** A failure armed with failNext: the next `times` calls of a method answer with it. */
export interface InjectedFailure {
  error: string;
  remaining: number;
  httpStatus: number;
  retryAfterSeconds?: number;
}
