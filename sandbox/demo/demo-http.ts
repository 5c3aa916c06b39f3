// The demo page's HTTP routes: the static page, a state snapshot, live events, and the actions a
// person takes in Slack (type a command, click a button, submit a modal), which go to the bot
// through the fake Slack exactly as Slack would send them: signed, with response URLs and trigger ids.
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FakeSlack } from '../slack/fake-slack-web-api.js';
import { closeView } from '../slack/fake-slack-view-methods.js';
import type { DemoTrigger } from './demo-trigger.js';
import type { LiveEvents } from './live-events.js';
import { DEMO_CHANNEL, DEMO_COMMAND, DEMO_USERS } from './demo-workspace.js';

export interface DemoPageContext {
  slack: FakeSlack;
  live: LiveEvents;
  triggers: readonly DemoTrigger[];
  /** Everything the page shows, as the given user sees it. */
  state(userId: string): unknown;
  health(): { status: number; body: unknown };
  /** host:port this server answers to, for the Host and Origin checks. */
  authority(): string;
}

const PAGE_DIR = new URL('./page/', import.meta.url);
const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
// Everything runs from our own origin; the page never needs inline script or a third party.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const MAX_BODY_BYTES = 64 * 1024;

const userId = z.enum(DEMO_USERS.map((u) => u.id) as [string, ...string[]]);
const commandBody = z.strictObject({ userId, text: z.string().min(1).max(4000) });
const clickBody = z.strictObject({
  userId,
  messageTs: z.string().regex(/^\d+\.\d{6}$/),
  actionId: z.string().min(1).max(255),
  value: z.string().max(2000).optional(),
  blockId: z.string().max(255).optional(),
});
const inputValue = z.union([z.string().max(3000), z.array(z.string().max(3000)).max(100)]);
const submitBody = z.strictObject({ userId, viewId: z.string().min(1).max(64), values: z.record(z.string(), z.record(z.string(), inputValue)) });
const closeBody = z.strictObject({ userId, viewId: z.string().min(1).max(64) });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createDemoRequestHandler(ctx: DemoPageContext): (req: IncomingMessage, res: ServerResponse) => void {
  const pageFiles = new Set(readdirSync(PAGE_DIR).filter((f) => /^[a-z0-9-]+\.(html|js|css|svg)$/.test(f)));
  return (req, res) => {
    handle(ctx, pageFiles, req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof z.ZodError ? 400 : 500;
      const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.end();
    });
  };
}

async function handle(ctx: DemoPageContext, pageFiles: Set<string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkOrigin(ctx, req);
  const url = new URL(req.url ?? '/', 'http://demo.invalid');
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  switch (route) {
    case 'GET /':
      return serveFile(res, 'index.html');
    case 'GET /events':
      return ctx.live.attach(req, res);
    case 'GET /state':
      return sendJson(res, 200, ctx.state(userId.parse(url.searchParams.get('user') ?? '')));
    case 'GET /sandbox/checkout/healthz': {
      const health = ctx.health();
      return sendJson(res, health.status, health.body);
    }
    case 'POST /command':
      return sendJson(res, 200, await sendCommand(ctx.slack, commandBody.parse(await readJson(req))));
    case 'POST /click': {
      const body = clickBody.parse(await readJson(req));
      const delivery = await ctx.slack.clickButton({ ...body, channelId: DEMO_CHANNEL.id }).catch((e: unknown) => conflict(e));
      return sendJson(res, 200, { status: delivery.status });
    }
    case 'POST /submit-view': {
      const body = submitBody.parse(await readJson(req));
      const delivery = await ctx.slack.submitView(body).catch((e: unknown) => conflict(e));
      return sendJson(res, 200, { status: delivery.status, ack: delivery.json ?? null });
    }
    case 'POST /close-view': {
      const body = closeBody.parse(await readJson(req));
      const record = ctx.slack.views.find((v) => v.id === body.viewId && v.user === body.userId);
      if (!record) throw new HttpError(404, `no view ${body.viewId} for ${body.userId}`);
      closeView(ctx.slack.workspace, record);
      return sendJson(res, 200, { closed: true });
    }
  }
  const trigger = req.method === 'POST' ? ctx.triggers.find((t) => t.path === url.pathname) : undefined;
  if (trigger) {
    await readJson(req);
    return sendJson(res, 200, await trigger.run());
  }
  const file = url.pathname.slice(1);
  if (req.method === 'GET' && pageFiles.has(file)) return serveFile(res, file);
  throw new HttpError(404, `no route ${route}`);
}

/** The composer's line as Slack would split it: the command, then everything after it as text. */
async function sendCommand(slack: FakeSlack, body: z.infer<typeof commandBody>) {
  const line = body.text.trim();
  const match = /^(\/\S+)\s*([\s\S]*)$/.exec(line);
  if (!match) throw new HttpError(400, `Type a slash command, such as ${DEMO_COMMAND} help.`);
  const [, command = '', text = ''] = match;
  if (command !== DEMO_COMMAND) throw new HttpError(400, `${command} is not a valid command. In this workspace only ${DEMO_COMMAND} is installed.`);
  const delivery = await slack.sendSlashCommand({ command, text, userId: body.userId, channelId: DEMO_CHANNEL.id });
  return { status: delivery.status, ackProblems: delivery.ackProblems ?? [] };
}

/** The simulator refuses what Slack's client would not send (a button that is gone, a stale modal). */
function conflict(error: unknown): never {
  throw new HttpError(409, error instanceof Error ? error.message : String(error));
}

/**
 * The page drives a bot on this machine: refuse requests another site's page could make (a foreign
 * Origin) and DNS-rebinding tricks (a foreign Host).
 */
function checkOrigin(ctx: DemoPageContext, req: IncomingMessage): void {
  const allowed = new Set([ctx.authority(), ctx.authority().replace(/^127\.0\.0\.1:/, 'localhost:')]);
  if (!allowed.has(req.headers.host ?? '')) throw new HttpError(421, 'unexpected Host header');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null' && !allowed.has(origin.replace(/^http:\/\//, ''))) {
    throw new HttpError(403, 'cross-origin requests are not accepted');
  }
  if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(415, 'send application/json');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

function serveFile(res: ServerResponse, name: string): void {
  const body = readFileSync(new URL(name, PAGE_DIR));
  const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': body.length,
    'cache-control': 'no-cache',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
