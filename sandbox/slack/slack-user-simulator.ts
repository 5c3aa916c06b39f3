import { ApiError } from './fake-slack-api-args.js';
import { apiMessage, checkMessageContent } from './fake-slack-chat-methods.js';
import type { FakeSlackResponseUrl, FakeSlackView, SlackBlock } from './fake-slack-types.js';
import { applyViewUpdate, closeView } from './fake-slack-view-methods.js';
import type { FakeSlackWorkspace } from './fake-slack-workspace.js';
import { type DeliveryOptions, type SlackDelivery, deliverToApp } from './slack-app-delivery.js';
import { type ViewInputValue, buildViewState, buttonsIn, describeButtons, payloadTeam, payloadUser } from './slack-interaction-payloads.js';

export type { DeliveryOptions, SlackDelivery } from './slack-app-delivery.js';
import type { DeliveryResponse } from './slack-app-delivery.js';
export type { ViewInputValue } from './slack-interaction-payloads.js';

/** What the simulator needs from the fake: its workspace, secrets and where things live. */
export interface SimulatorContext {
  workspace: FakeSlackWorkspace;
  signingSecret: string;
  /** The legacy verification token Slack still puts in every payload (not the bot token). */
  verificationToken: string;
  /** The fake's own base URL, under which response URLs are issued. */
  baseUrl: () => string;
  defaultAppUrl: () => string | undefined;
  /** Socket Mode: deliveries go over the app's WebSocket instead of signed HTTP posts. */
  transport?: () => AppTransport | undefined;
}

/** Delivers one payload to the app and returns its ack, whatever carries it. */
export type AppTransport = (rawBody: string, payload: Record<string, unknown>, opts: DeliveryOptions) => Promise<DeliveryResponse>;

export interface SlashCommandOptions extends DeliveryOptions {
  command: string;
  text: string;
  userId: string;
  channelId: string;
}

export interface SlashCommandDelivery extends SlackDelivery {
  responseUrl: string;
  triggerId: string;
  /** Why the ack body could not be shown (Slack shows the user an error instead). */
  ackProblems?: string[];
}

export interface ClickButtonOptions extends DeliveryOptions {
  userId: string;
  channelId: string;
  messageTs: string;
  actionId: string;
  /** Pick the button with this value when several share the action_id. */
  value?: string;
  blockId?: string;
  /** Send the click even if the message has no such button (e.g. a click racing an update). */
  force?: boolean;
}

export interface InteractionDelivery extends SlackDelivery {
  responseUrl?: string;
  triggerId: string;
}

export interface SubmitViewOptions extends DeliveryOptions {
  viewId: string;
  /** Defaults to the user the modal was opened for; nobody else can submit it. */
  userId?: string;
  /** block_id → action_id → value; strings become the element's state shape. */
  values?: Record<string, Record<string, ViewInputValue>>;
}

function appUrlOf(ctx: SimulatorContext, opts: DeliveryOptions): string {
  const url = opts.appUrl ?? ctx.defaultAppUrl();
  if (!url) throw new Error('no appUrl: pass one or call fake.setAppUrl(url) first');
  return url;
}

async function send(ctx: SimulatorContext, opts: DeliveryOptions, rawBody: string, payload: Record<string, unknown>): Promise<SlackDelivery> {
  const transport = ctx.transport?.();
  const answer = transport ? await transport(rawBody, payload, opts) : await deliverToApp(ctx.signingSecret, appUrlOf(ctx, opts), rawBody, opts);
  return { ...answer, rawBody, payload };
}

function formOf(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Types a slash command: the exact form body Slack posts, signed, plus the ack it got back. */
export async function sendSlashCommand(ctx: SimulatorContext, opts: SlashCommandOptions): Promise<SlashCommandDelivery> {
  const ws = ctx.workspace;
  const response = ws.issueResponseUrl(ctx.baseUrl(), 'slash_command', opts.channelId, opts.userId);
  const triggerId = ws.issueTriggerId(opts.userId);
  const fields: Record<string, string> = {
    token: ctx.verificationToken,
    team_id: ws.identity.teamId,
    team_domain: ws.identity.teamDomain,
    channel_id: opts.channelId,
    channel_name: ws.channelName(opts.channelId),
    user_id: opts.userId,
    user_name: payloadUser(ws, opts.userId).name,
    command: opts.command,
    text: opts.text,
    api_app_id: ws.identity.appId,
    is_enterprise_install: 'false',
    response_url: response.url,
    trigger_id: triggerId,
  };
  const delivery = await send(ctx, opts, formOf(fields), fields);
  const ackProblems = showAck(ws, response, delivery);
  return {
    ...delivery,
    responseUrl: response.url,
    triggerId,
    ...(ackProblems ? { ackProblems } : {}),
  };
}

/**
 * Slack shows a slash command's ack body to the user: ephemeral by default, in the channel with
 * response_type in_channel. Invalid content is not shown; the problems are returned instead.
 */
function showAck(ws: FakeSlackWorkspace, response: FakeSlackResponseUrl, delivery: SlackDelivery): string[] | undefined {
  if (delivery.status !== 200 || delivery.body === '') return undefined;
  const ack = (delivery.json ?? { text: delivery.body }) as Record<string, unknown>;
  const text = typeof ack.text === 'string' ? ack.text : undefined;
  try {
    const rawBlocks = Array.isArray(ack.blocks) ? (ack.blocks as SlackBlock[]) : undefined;
    const blocks = checkMessageContent(text, rawBlocks, { requireContent: true }) ?? [];
    const content = { channel: response.channel, text: text ?? '', blocks, via: 'ack' as const };
    if (ack.response_type === 'in_channel') {
      ws.postMessage(content);
    } else {
      response.lastEphemeralTs = ws.postEphemeral({ ...content, user: response.user }).ts;
    }
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const details = Array.isArray(error.extra.errors) ? (error.extra.errors as string[]) : [];
    return [error.code, ...details];
  }
}

/** Clicks a button the user can see, sending Slack's block_actions payload. */
export async function clickButton(ctx: SimulatorContext, opts: ClickButtonOptions): Promise<InteractionDelivery> {
  const ws = ctx.workspace;
  const message = ws.findMessage(opts.channelId, opts.messageTs);
  const ephemeral = message ? undefined : ws.findEphemeral(opts.channelId, opts.messageTs);
  if (ephemeral && ephemeral.user !== opts.userId && !opts.force) {
    throw new Error(`ephemeral ${opts.messageTs} is visible only to ${ephemeral.user}, not ${opts.userId}`);
  }
  const blocks = message?.blocks ?? ephemeral?.blocks ?? [];
  const buttons = buttonsIn(blocks);
  const button = buttons.find(
    (b) =>
      b.element.action_id === opts.actionId &&
      (opts.value === undefined || b.element.value === opts.value) &&
      (opts.blockId === undefined || b.blockId === opts.blockId),
  );
  if (!button && !opts.force) {
    const where = message || ephemeral ? `has ${describeButtons(buttons)}` : 'does not exist';
    const what = `${opts.actionId}${opts.value !== undefined ? `=${opts.value}` : ''}`;
    throw new Error(`cannot click ${what}: message ${opts.channelId}/${opts.messageTs} ${where}`);
  }
  const response = ws.issueResponseUrl(ctx.baseUrl(), 'block_actions', opts.channelId, opts.userId, {
    messageTs: opts.messageTs,
    isEphemeral: ephemeral !== undefined,
  });
  const triggerId = ws.issueTriggerId(opts.userId);
  const element = button?.element ?? {
    type: 'button',
    action_id: opts.actionId,
    text: { type: 'plain_text', text: opts.actionId },
    ...(opts.value !== undefined ? { value: opts.value } : {}),
  };
  // Bolt's ButtonAction: type, action_id, block_id, text, value?, style?, action_ts.
  const action: Record<string, unknown> = {
    type: 'button',
    action_id: element.action_id,
    block_id: button?.blockId ?? opts.blockId ?? '',
    text: element.text,
    ...(element.value !== undefined ? { value: element.value } : {}),
    ...(element.style !== undefined ? { style: element.style } : {}),
    action_ts: ws.nextTs(),
  };
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: payloadUser(ws, opts.userId),
    api_app_id: ws.identity.appId,
    token: ctx.verificationToken,
    container: {
      type: 'message',
      message_ts: opts.messageTs,
      channel_id: opts.channelId,
      is_ephemeral: ephemeral !== undefined,
    },
    trigger_id: triggerId,
    team: payloadTeam(ws),
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: opts.channelId, name: ws.channelName(opts.channelId) },
    // Slack sends the message for channel messages only; an ephemeral's content is not included.
    ...(message ? { message: apiMessage(ws, message) } : {}),
    state: { values: {} },
    response_url: response.url,
    actions: [action],
  };
  const delivery = await send(ctx, opts, formOf({ payload: JSON.stringify(payload) }), payload);
  return { ...delivery, responseUrl: response.url, triggerId };
}

/** Submits an open modal, then applies the app's response_action as Slack's client would. */
export async function submitView(ctx: SimulatorContext, opts: SubmitViewOptions): Promise<InteractionDelivery> {
  const ws = ctx.workspace;
  const record = ws.findView(opts.viewId);
  if (!record || record.closed) throw new Error(`view ${opts.viewId} is not open`);
  const userId = opts.userId ?? record.user;
  if (userId !== record.user) throw new Error(`view ${opts.viewId} belongs to ${record.user}, not ${userId}`);
  const values = buildViewState(record, opts.values ?? {});
  const triggerId = ws.issueTriggerId(userId);
  const payload: Record<string, unknown> = {
    type: 'view_submission',
    team: payloadTeam(ws),
    user: payloadUser(ws, userId),
    api_app_id: ws.identity.appId,
    token: ctx.verificationToken,
    trigger_id: triggerId,
    view: { ...record.view, state: { values } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const delivery = await send(ctx, opts, formOf({ payload: JSON.stringify(payload) }), payload);
  const ack = delivery.json ?? (delivery.body === '' ? undefined : delivery.body);
  record.submissions.push({ at: ws.now(), user: userId, values, ack });
  if (delivery.status === 200) applyViewAck(ws, record, ack);
  return { ...delivery, triggerId };
}

function applyViewAck(ws: FakeSlackWorkspace, record: FakeSlackView, ack: unknown): void {
  const action = typeof ack === 'object' && ack !== null ? (ack as Record<string, unknown>) : {};
  if (action.response_action === 'errors') return; // the modal stays open showing the errors
  if (action.response_action === 'update' && typeof action.view === 'object' && action.view !== null) {
    applyViewUpdate(ws, record, action.view as Record<string, unknown>);
    return;
  }
  if (action.response_action === 'clear') {
    for (const view of ws.views) {
      if (view.view.root_view_id === record.view.root_view_id) closeView(ws, view);
    }
    return;
  }
  closeView(ws, record);
}

/**
 * Sends an earlier delivery again, byte for byte, freshly signed and with retry headers: what
 * Slack does when the first attempt timed out. (Slack retries Events API deliveries; for slash
 * commands and interactivity it does not, but a proxy or a double click can produce the same.)
 */
export async function redeliver(ctx: SimulatorContext, previous: SlackDelivery, opts: DeliveryOptions = {}): Promise<SlackDelivery> {
  const retry = { retryNum: 1, retryReason: 'http_timeout', ...opts };
  return send(ctx, retry, previous.rawBody, previous.payload);
}
