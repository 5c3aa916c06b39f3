import { isMessageTextTooLong, validateBlocks } from './block-kit-limits.js';
import { type ApiArgs, type ApiBody, ApiError, blocksArg, optionalString, problemsError } from './fake-slack-api-args.js';
import type { FakeSlackMessage, SlackBlock } from './fake-slack-types.js';
import type { FakeSlackWorkspace } from './fake-slack-workspace.js';
import { withGeneratedIds } from './slack-block-ids.js';

/** The message object Slack returns from chat.postMessage / chat.update and puts in payloads. */
export function apiMessage(ws: FakeSlackWorkspace, m: FakeSlackMessage): Record<string, unknown> {
  return {
    type: 'message',
    user: m.user,
    bot_id: m.bot_id,
    app_id: ws.identity.appId,
    team: ws.identity.teamId,
    text: m.text,
    blocks: m.blocks,
    ts: m.ts,
    ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
    ...(m.reply_count > 0 ? { reply_count: m.reply_count } : {}),
    ...(m.edited ? { edited: m.edited } : {}),
  };
}

/**
 * Checks text and blocks the way Slack does for any message surface (Web API, response_url,
 * ack body) and returns blocks with Slack's generated ids. `requireContent` is false for
 * chat.update, where omitted fields keep their old value.
 */
export function checkMessageContent(
  text: string | undefined,
  blocks: SlackBlock[] | undefined,
  opts: { requireContent: boolean; hasAttachments?: boolean },
): SlackBlock[] | undefined {
  const hasText = text !== undefined && text !== '';
  const hasBlocks = blocks !== undefined && blocks.length > 0;
  if (opts.requireContent && !hasText && !hasBlocks && !opts.hasAttachments) {
    throw new ApiError('no_text');
  }
  if (text !== undefined && isMessageTextTooLong(text)) throw new ApiError('msg_too_long');
  if (blocks === undefined) return undefined;
  const problems = validateBlocks(blocks, 'message');
  if (problems.length > 0) throw problemsError('invalid_blocks', problems);
  return withGeneratedIds(blocks);
}

function requiredChannel(args: ApiArgs): string {
  const channel = optionalString(args, 'channel');
  if (channel === undefined || channel === '') throw new ApiError('channel_not_found');
  return channel;
}

function existingMessage(ws: FakeSlackWorkspace, channel: string, ts: string | undefined) {
  const message = ts === undefined ? undefined : ws.findMessage(channel, ts);
  if (!message) throw new ApiError('message_not_found');
  return message;
}

export function chatPostMessage(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const channel = requiredChannel(args);
  const text = optionalString(args, 'text');
  const blocks = checkMessageContent(text, blocksArg(args), {
    requireContent: true,
    hasAttachments: args.attachments !== undefined,
  });
  const threadTs = optionalString(args, 'thread_ts');
  const message = ws.postMessage({
    channel,
    text: text ?? '',
    blocks: blocks ?? [],
    ...(threadTs ? { threadTs } : {}),
    via: 'chat.postMessage',
  });
  return { ok: true, channel, ts: message.ts, message: apiMessage(ws, message) };
}

export function chatUpdate(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const channel = requiredChannel(args);
  const message = existingMessage(ws, channel, optionalString(args, 'ts'));
  const text = optionalString(args, 'text');
  const rawBlocks = blocksArg(args);
  if (text === undefined && rawBlocks === undefined && args.attachments === undefined) {
    throw new ApiError('no_text');
  }
  const blocks = checkMessageContent(text, rawBlocks, { requireContent: false });
  ws.updateMessage(message, {
    ...(text !== undefined ? { text } : {}),
    ...(blocks !== undefined ? { blocks } : {}),
  });
  return {
    ok: true,
    channel,
    ts: message.ts,
    text: message.text,
    message: apiMessage(ws, message),
  };
}

export function chatDelete(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const channel = requiredChannel(args);
  const message = existingMessage(ws, channel, optionalString(args, 'ts'));
  ws.deleteMessage(message);
  return { ok: true, channel, ts: message.ts };
}

export function chatPostEphemeral(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const channel = requiredChannel(args);
  const user = optionalString(args, 'user');
  if (user === undefined || user === '') throw new ApiError('user_not_in_channel');
  const text = optionalString(args, 'text');
  const blocks = checkMessageContent(text, blocksArg(args), {
    requireContent: true,
    hasAttachments: args.attachments !== undefined,
  });
  const threadTs = optionalString(args, 'thread_ts');
  const ephemeral = ws.postEphemeral({
    channel,
    user,
    text: text ?? '',
    blocks: blocks ?? [],
    ...(threadTs ? { threadTs } : {}),
    via: 'chat.postEphemeral',
  });
  return { ok: true, message_ts: ephemeral.ts };
}

export function chatGetPermalink(ws: FakeSlackWorkspace, args: ApiArgs): ApiBody {
  const channel = requiredChannel(args);
  const message = existingMessage(ws, channel, optionalString(args, 'message_ts'));
  const archive = `https://${ws.identity.teamDomain}.slack.com/archives/${channel}`;
  const base = `${archive}/p${message.ts.replace('.', '')}`;
  const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  const permalink = isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}` : base;
  return { ok: true, channel, permalink };
}
