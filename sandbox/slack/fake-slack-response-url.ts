import { ApiError, blocksArg, optionalBoolean, optionalString } from './fake-slack-api-args.js';
import { checkMessageContent } from './fake-slack-chat-methods.js';
import type { FakeSlackEphemeral, FakeSlackMessage, FakeSlackResponseUrl, ResponseUrlPost } from './fake-slack-types.js';
import { type FakeSlackWorkspace, RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './fake-slack-workspace.js';

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * A POST to a response_url, with Slack's rules: at most 5 accepted posts within 30 minutes of
 * the interaction; ephemeral unless response_type is in_channel; replace_original and
 * delete_original act on the message the interaction came from.
 *
 * Slack does not document the exact error bodies of an exhausted or expired URL; the fake answers
 * 404 with `used_url` / `expired_url`, which is what matters to a client (Bolt's respond() throws
 * on any non-2xx).
 */
export function handleResponseUrlPost(ws: FakeSlackWorkspace, id: string, body: unknown): HttpAnswer {
  const record = ws.findResponseUrl(id);
  if (!record) return { status: 404, body: { ok: false, error: 'invalid_url' } };
  const answer = answerPost(ws, record, body);
  const post: ResponseUrlPost = {
    at: ws.now(),
    body,
    httpStatus: answer.status,
    ok: answer.body.ok === true,
    ...(typeof answer.body.error === 'string' ? { error: answer.body.error } : {}),
  };
  record.posts.push(post);
  ws.emit({ type: 'response_url_posted', response: record, post });
  return answer;
}

function answerPost(ws: FakeSlackWorkspace, record: FakeSlackResponseUrl, body: unknown): HttpAnswer {
  const failure = ws.takeFailure('response_url');
  if (failure) {
    return {
      status: failure.httpStatus,
      body: { ok: false, error: failure.error },
      ...(failure.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(failure.retryAfterSeconds) } } : {}),
    };
  }
  if (ws.now() - record.issuedAt > RESPONSE_URL_TTL_MS) {
    return { status: 404, body: { ok: false, error: 'expired_url' } };
  }
  if (record.posts.filter((p) => p.ok).length >= RESPONSE_URL_MAX_USES) {
    return { status: 404, body: { ok: false, error: 'used_url' } };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { status: 400, body: { ok: false, error: 'invalid_payload' } };
  }
  try {
    apply(ws, record, body as Record<string, unknown>);
    return { status: 200, body: { ok: true } };
  } catch (error) {
    if (error instanceof ApiError) return { status: 400, body: error.toBody() };
    throw error;
  }
}

function apply(ws: FakeSlackWorkspace, record: FakeSlackResponseUrl, args: Record<string, unknown>) {
  const original = findOriginal(ws, record);
  if (optionalBoolean(args, 'delete_original')) {
    if (original?.kind === 'message') ws.deleteMessage(original.message);
    if (original?.kind === 'ephemeral') ws.deleteEphemeral(original.ephemeral);
    return;
  }
  const text = optionalString(args, 'text');
  const blocks =
    checkMessageContent(text, blocksArg(args), {
      requireContent: true,
      hasAttachments: args.attachments !== undefined,
    }) ?? [];
  const content = { text: text ?? '', blocks };

  if (optionalBoolean(args, 'replace_original') && original) {
    // Replacing swaps the whole message: omitted blocks disappear, unlike chat.update.
    if (original.kind === 'message') ws.updateMessage(original.message, content);
    else ws.replaceEphemeral(original.ephemeral, content.text, content.blocks);
    return;
  }
  const threadTs = optionalString(args, 'thread_ts');
  const common = {
    channel: record.channel,
    ...content,
    ...(threadTs ? { threadTs } : {}),
    via: 'response_url' as const,
  };
  if (optionalString(args, 'response_type') === 'in_channel') {
    ws.postMessage(common);
    return;
  }
  const ephemeral = ws.postEphemeral({ ...common, user: record.user });
  record.lastEphemeralTs = ephemeral.ts;
}

type Original = { kind: 'message'; message: FakeSlackMessage } | { kind: 'ephemeral'; ephemeral: FakeSlackEphemeral };

/** A button's message for block_actions; for a slash command, the last ephemeral it showed. */
function findOriginal(ws: FakeSlackWorkspace, record: FakeSlackResponseUrl): Original | undefined {
  const ts = record.messageTs ?? record.lastEphemeralTs;
  if (ts === undefined) return undefined;
  const isEphemeral = record.messageTs === undefined || record.messageIsEphemeral === true;
  if (isEphemeral) {
    const ephemeral = ws.findEphemeral(record.channel, ts);
    return ephemeral ? { kind: 'ephemeral', ephemeral } : undefined;
  }
  const message = ws.findMessage(record.channel, ts);
  return message ? { kind: 'message', message } : undefined;
}
