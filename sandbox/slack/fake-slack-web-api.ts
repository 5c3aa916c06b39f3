import type { EventEmitter } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeRecorded } from './fake-slack-dump.js';
import { handleFakeSlackRequest } from './fake-slack-http-handler.js';
import type {
  FakeSlackChange,
  FakeSlackChannel,
  FakeSlackEphemeral,
  FakeSlackMessage,
  FakeSlackResponseUrl,
  FakeSlackUser,
  FakeSlackView,
  RecordedCall,
} from './fake-slack-types.js';
import { defaultFailureStatus } from './fake-slack-web-api-methods.js';
import { DEFAULT_IDENTITY, type WorkspaceIdentity } from './fake-slack-identity.js';
import { FakeSlackWorkspace } from './fake-slack-workspace.js';
import type { DeliveryOptions, SlackDelivery } from './slack-app-delivery.js';
import * as simulator from './slack-user-simulator.js';
import { type WaitForValue, waitForChange } from './wait-for-change.js';

export interface StartFakeSlackOptions {
  botToken: string;
  signingSecret: string;
  users?: FakeSlackUser[];
  /** User group id (S…) → member user ids. */
  userGroups?: Record<string, string[]>;
  /** Names for channel ids (slash command channel_name, payload channel.name). */
  channels?: FakeSlackChannel[];
  /** The app's base URL the simulator sends to; can be set later with setAppUrl. */
  appUrl?: string;
  /** Clock (ms) for ts values and Slack's expiry windows; inject one to test expiry without sleeping. */
  now?: () => number;
  identity?: Partial<WorkspaceIdentity>;
}

export interface FailNextOptions {
  times?: number;
  /** Defaults: 429 for ratelimited, 500 for internal_error/fatal_error, else 200 (ok:false). */
  httpStatus?: number;
  /** Retry-After header; defaults to 1 for ratelimited. */
  retryAfterSeconds?: number;
}

export interface FakeSlack {
  /** What the bot passes as clientOptions.slackApiUrl: http://127.0.0.1:<port>/api/ */
  readonly apiUrl: string;
  readonly baseUrl: string;
  readonly appUrl: string | undefined;
  readonly identity: WorkspaceIdentity;
  readonly workspace: FakeSlackWorkspace;
  readonly calls: readonly RecordedCall[];
  readonly messages: readonly FakeSlackMessage[];
  readonly ephemerals: readonly FakeSlackEphemeral[];
  readonly responses: readonly FakeSlackResponseUrl[];
  readonly views: readonly FakeSlackView[];
  /** Emits 'change' with a FakeSlackChange for every call, message, ephemeral, view and response. */
  readonly events: EventEmitter;
  onChange(listener: (change: FakeSlackChange) => void): () => void;
  setAppUrl(url: string): void;
  /** Socket Mode: route the simulator's deliveries through this transport (undefined: back to HTTP). */
  setTransport(transport: simulator.AppTransport | undefined): void;

  messagesIn(channel: string, opts?: { includeReplies?: boolean }): FakeSlackMessage[];
  threadReplies(channel: string, parentTs: string): FakeSlackMessage[];
  ephemeralsFor(user: string, channel?: string): FakeSlackEphemeral[];
  findMessage(channel: string, ts: string): FakeSlackMessage | undefined;
  callsTo(method: string): RecordedCall[];
  /** Resolves with the first value that is not undefined/null/false; rejects with a dump on timeout. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number, label?: string): Promise<WaitForValue<T>>;
  failNext(method: string, error: string, timesOrOptions?: number | FailNextOptions): void;
  reset(): void;
  describe(): string;

  sendSlashCommand(opts: simulator.SlashCommandOptions): Promise<simulator.SlashCommandDelivery>;
  clickButton(opts: simulator.ClickButtonOptions): Promise<simulator.InteractionDelivery>;
  submitView(opts: simulator.SubmitViewOptions): Promise<simulator.InteractionDelivery>;
  redeliver(previous: SlackDelivery, opts?: DeliveryOptions): Promise<SlackDelivery>;

  close(): Promise<void>;
}

/** Starts the fake Slack on 127.0.0.1 with an OS-assigned port. */
export async function startFakeSlack(opts: StartFakeSlackOptions): Promise<FakeSlack> {
  const fake = new FakeSlackServer(opts);
  await fake.listen();
  return fake;
}

class FakeSlackServer implements FakeSlack {
  readonly workspace: FakeSlackWorkspace;
  private readonly server: Server;
  private port = 0;
  private currentAppUrl: string | undefined;
  private currentTransport: simulator.AppTransport | undefined;
  private readonly simulatorContext: simulator.SimulatorContext;

  constructor(opts: StartFakeSlackOptions) {
    const ws = new FakeSlackWorkspace({ ...DEFAULT_IDENTITY, ...opts.identity }, opts.now ?? (() => Date.now()));
    const bot = ws.identity;
    ws.users.set(bot.botUserId, { id: bot.botUserId, name: bot.botName, isBot: true });
    for (const user of opts.users ?? []) ws.users.set(user.id, user);
    for (const [group, members] of Object.entries(opts.userGroups ?? {})) {
      ws.userGroups.set(group, [...members]);
    }
    for (const channel of opts.channels ?? []) ws.channels.set(channel.id, channel);
    this.workspace = ws;
    this.currentAppUrl = opts.appUrl;
    this.simulatorContext = {
      workspace: ws,
      signingSecret: opts.signingSecret,
      verificationToken: 'fake-verification-token',
      baseUrl: () => this.baseUrl,
      defaultAppUrl: () => this.currentAppUrl,
      transport: () => this.currentTransport,
    };
    this.server = createServer((req, res) => {
      handleFakeSlackRequest(this.workspace, opts.botToken, req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }
  get appUrl(): string | undefined {
    return this.currentAppUrl;
  }
  get identity(): WorkspaceIdentity {
    return this.workspace.identity;
  }
  get calls() {
    return this.workspace.calls;
  }
  get messages() {
    return this.workspace.messages;
  }
  get ephemerals() {
    return this.workspace.ephemerals;
  }
  get responses() {
    return this.workspace.responses;
  }
  get views() {
    return this.workspace.views;
  }
  get events(): EventEmitter {
    return this.workspace.events;
  }

  onChange(listener: (change: FakeSlackChange) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  setAppUrl(url: string): void {
    this.currentAppUrl = url;
  }

  setTransport(transport: simulator.AppTransport | undefined): void {
    this.currentTransport = transport;
  }

  messagesIn(channel: string, opts?: { includeReplies?: boolean }) {
    return this.workspace.messagesIn(channel, opts);
  }
  threadReplies(channel: string, parentTs: string) {
    return this.workspace.threadReplies(channel, parentTs);
  }
  ephemeralsFor(user: string, channel?: string) {
    return this.workspace.ephemeralsFor(user, channel);
  }
  findMessage(channel: string, ts: string) {
    return this.workspace.findMessage(channel, ts);
  }
  callsTo(method: string) {
    return this.workspace.calls.filter((c) => c.method === method);
  }

  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000, label?: string) {
    return waitForChange(this.events, predicate, timeoutMs, () => this.describe(), label);
  }

  failNext(method: string, error: string, timesOrOptions: number | FailNextOptions = 1): void {
    const o = typeof timesOrOptions === 'number' ? { times: timesOrOptions } : timesOrOptions;
    const defaults = defaultFailureStatus(error);
    const retryAfterSeconds = o.retryAfterSeconds ?? defaults.retryAfterSeconds;
    const queue = this.workspace.failures.get(method) ?? [];
    queue.push({
      error,
      remaining: o.times ?? 1,
      httpStatus: o.httpStatus ?? defaults.httpStatus,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
    this.workspace.failures.set(method, queue);
  }

  reset(): void {
    this.workspace.reset();
  }

  describe(): string {
    return describeRecorded(this.workspace);
  }

  sendSlashCommand(opts: simulator.SlashCommandOptions) {
    return simulator.sendSlashCommand(this.simulatorContext, opts);
  }
  clickButton(opts: simulator.ClickButtonOptions) {
    return simulator.clickButton(this.simulatorContext, opts);
  }
  submitView(opts: simulator.SubmitViewOptions) {
    return simulator.submitView(this.simulatorContext, opts);
  }
  redeliver(previous: SlackDelivery, opts?: DeliveryOptions) {
    return simulator.redeliver(this.simulatorContext, previous, opts);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }
}
