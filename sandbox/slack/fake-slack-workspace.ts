import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  FakeSlackChange,
  FakeSlackChannel,
  FakeSlackEphemeral,
  FakeSlackMessage,
  FakeSlackResponseUrl,
  FakeSlackUser,
  FakeSlackView,
  InjectedFailure,
  InteractionKind,
  MessageOrigin,
  MessageVersion,
  RecordedCall,
  SlackBlock,
} from './fake-slack-types.js';
import type { WorkspaceIdentity } from './fake-slack-identity.js';

/** Slack's own windows: a trigger_id is good for 3 s, a response_url for 5 posts in 30 min. */
export const TRIGGER_TTL_MS = 3000;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
export const RESPONSE_URL_MAX_USES = 5;

interface IssuedTrigger {
  user: string;
  issuedAt: number;
  exchanged: boolean;
}

export type TriggerCheck = { ok: true; user: string } | { ok: false; error: string };

export interface NewMessage {
  channel: string;
  text: string;
  blocks: SlackBlock[];
  threadTs?: string;
  via: MessageOrigin;
}

/**
 * The in-memory model of one Slack workspace as the bot can observe it: channels, messages,
 * threads, ephemerals, modals, response URLs and trigger ids. No HTTP here; the web API server
 * and the user simulator both drive this, and every change is emitted for waiters and the demo.
 */
export class FakeSlackWorkspace {
  readonly events = new EventEmitter();
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeSlackMessage[] = [];
  readonly ephemerals: FakeSlackEphemeral[] = [];
  readonly responses: FakeSlackResponseUrl[] = [];
  readonly views: FakeSlackView[] = [];
  readonly users = new Map<string, FakeSlackUser>();
  readonly channels = new Map<string, FakeSlackChannel>();
  readonly userGroups = new Map<string, string[]>();
  readonly failures = new Map<string, InjectedFailure[]>();
  private readonly triggers = new Map<string, IssuedTrigger>();
  private lastTsMicros = 0;
  private idCounter = 0;

  constructor(
    readonly identity: WorkspaceIdentity,
    readonly now: () => number,
  ) {
    // Many concurrent waiters (one per test helper) are normal here, not a leak.
    this.events.setMaxListeners(0);
  }

  emit(change: FakeSlackChange): void {
    this.events.emit('change', change);
  }

  /** Slack ts: seconds.microseconds, unique and increasing within the workspace. */
  nextTs(): string {
    let micros = Math.floor(this.now() * 1000);
    if (micros <= this.lastTsMicros) micros = this.lastTsMicros + 1;
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.idCounter += 1;
    const suffix = randomBytes(2).toString('hex').toUpperCase();
    return `${prefix}${String(this.idCounter).padStart(6, '0')}${suffix}`;
  }

  channelName(channelId: string): string {
    return this.channels.get(channelId)?.name ?? channelId.toLowerCase();
  }

  recordCall(call: RecordedCall): void {
    this.calls.push(call);
    this.emit({ type: 'api_call', call });
  }

  /** Pops an armed failure for `method`, if any (see FakeSlack.failNext). */
  takeFailure(method: string): InjectedFailure | undefined {
    const queue = this.failures.get(method);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head;
  }

  // ---- messages -------------------------------------------------------------------------------

  findMessage(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  postMessage(input: NewMessage): FakeSlackMessage {
    const ts = this.nextTs();
    let threadTs = input.threadTs;
    if (threadTs !== undefined) {
      // Replying to a reply lands in the parent's thread, as in Slack.
      const target = this.findMessage(input.channel, threadTs);
      if (target?.thread_ts !== undefined && target.thread_ts !== target.ts) {
        threadTs = target.thread_ts;
      }
      const parent = this.findMessage(input.channel, threadTs);
      if (parent) {
        parent.reply_count += 1;
        parent.thread_ts = parent.ts;
      }
    }
    const message: FakeSlackMessage = {
      channel: input.channel,
      ts,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      user: this.identity.botUserId,
      bot_id: this.identity.botId,
      text: input.text,
      blocks: input.blocks,
      reply_count: 0,
      history: [],
      postedAt: this.now(),
      deleted: false,
      via: input.via,
    };
    if (!this.channels.has(input.channel)) {
      this.channels.set(input.channel, { id: input.channel, name: this.channelName(input.channel) });
    }
    this.messages.push(message);
    this.emit({ type: 'message_posted', message });
    return message;
  }

  /** chat.update semantics: an omitted field keeps its previous value. */
  updateMessage(message: FakeSlackMessage, change: { text?: string; blocks?: SlackBlock[] }): FakeSlackMessage {
    const previous: MessageVersion = {
      text: message.text,
      blocks: message.blocks,
      replacedAt: this.now(),
    };
    message.history.push(previous);
    if (change.text !== undefined) message.text = change.text;
    if (change.blocks !== undefined) message.blocks = change.blocks;
    message.edited = { user: this.identity.botUserId, ts: this.nextTs() };
    this.emit({ type: 'message_updated', message, previous });
    return message;
  }

  deleteMessage(message: FakeSlackMessage): void {
    message.deleted = true;
    this.emit({ type: 'message_deleted', message });
  }

  /** Top-level messages of a channel (what the channel view shows), oldest first. */
  messagesIn(channel: string, opts: { includeReplies?: boolean } = {}): FakeSlackMessage[] {
    return this.messages.filter(
      (m) => m.channel === channel && !m.deleted && (opts.includeReplies || m.thread_ts === undefined || m.thread_ts === m.ts),
    );
  }

  threadReplies(channel: string, parentTs: string): FakeSlackMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted && m.thread_ts === parentTs && m.ts !== parentTs);
  }

  // ---- ephemerals -----------------------------------------------------------------------------

  postEphemeral(input: NewMessage & { user: string }): FakeSlackEphemeral {
    const ephemeral: FakeSlackEphemeral = {
      channel: input.channel,
      user: input.user,
      ts: this.nextTs(),
      ...(input.threadTs !== undefined ? { thread_ts: input.threadTs } : {}),
      text: input.text,
      blocks: input.blocks,
      history: [],
      postedAt: this.now(),
      deleted: false,
      via: input.via,
    };
    this.ephemerals.push(ephemeral);
    this.emit({ type: 'ephemeral_posted', ephemeral });
    return ephemeral;
  }

  findEphemeral(channel: string, ts: string): FakeSlackEphemeral | undefined {
    return this.ephemerals.find((e) => e.channel === channel && e.ts === ts && !e.deleted);
  }

  replaceEphemeral(ephemeral: FakeSlackEphemeral, text: string, blocks: SlackBlock[]): void {
    const previous: MessageVersion = {
      text: ephemeral.text,
      blocks: ephemeral.blocks,
      replacedAt: this.now(),
    };
    ephemeral.history.push(previous);
    ephemeral.text = text;
    ephemeral.blocks = blocks;
    this.emit({ type: 'ephemeral_updated', ephemeral, previous });
  }

  deleteEphemeral(ephemeral: FakeSlackEphemeral): void {
    ephemeral.deleted = true;
    this.emit({ type: 'ephemeral_deleted', ephemeral });
  }

  ephemeralsFor(user: string, channel?: string): FakeSlackEphemeral[] {
    return this.ephemerals.filter((e) => e.user === user && !e.deleted && (channel === undefined || e.channel === channel));
  }

  // ---- interactions: trigger ids and response urls --------------------------------------------

  issueTriggerId(user: string): string {
    this.idCounter += 1;
    // Slack's shape: "<seconds>.<number>.<hex>"
    const id = `${Math.floor(this.now() / 1000)}.${this.idCounter}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { user, issuedAt: this.now(), exchanged: false });
    return id;
  }

  /** Slack's rules: only ids it issued, once, within 3 seconds. */
  exchangeTrigger(triggerId: string): TriggerCheck {
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.exchanged) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.now() - trigger.issuedAt > TRIGGER_TTL_MS) {
      return { ok: false, error: 'expired_trigger_id' };
    }
    trigger.exchanged = true;
    return { ok: true, user: trigger.user };
  }

  issueResponseUrl(
    baseUrl: string,
    kind: InteractionKind,
    channel: string,
    user: string,
    source?: { messageTs: string; isEphemeral: boolean },
  ): FakeSlackResponseUrl {
    const secret = randomBytes(12).toString('hex');
    const id = `${this.identity.teamId}/${this.nextId('R')}/${secret}`;
    const record: FakeSlackResponseUrl = {
      id,
      url: `${baseUrl}/response/${id}`,
      kind,
      channel,
      user,
      ...(source ? { messageTs: source.messageTs, messageIsEphemeral: source.isEphemeral } : {}),
      issuedAt: this.now(),
      posts: [],
    };
    this.responses.push(record);
    return record;
  }

  findResponseUrl(id: string): FakeSlackResponseUrl | undefined {
    return this.responses.find((r) => r.id === id);
  }

  // ---- views ----------------------------------------------------------------------------------

  findView(viewId: string): FakeSlackView | undefined {
    return this.views.find((v) => v.id === viewId);
  }

  /** Forgets everything recorded; users, groups, channels and identity stay. */
  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.ephemerals.length = 0;
    this.responses.length = 0;
    this.views.length = 0;
    this.triggers.clear();
    this.failures.clear();
    this.emit({ type: 'reset' });
  }
}
