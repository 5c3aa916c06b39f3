// The bot's one HTTP server. Our routes (health, API, webhooks, metrics) live here whatever the Slack
// transport; in HTTP mode Slack's requests go to Bolt's receiver, in Socket Mode they arrive over the
// WebSocket and /slack/events does not exist.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import { sendJson } from './http-kit.js';

type Params = Record<string, string>;
interface CompiledRoute {
  method: string;
  segments: string[];
  handler: CustomRoute['handler'];
}

export class RouteServer {
  private readonly routes: CompiledRoute[];
  private server: Server | undefined;
  private readonly inFlight = new Set<ServerResponse>();

  constructor(
    routes: CustomRoute[],
    private readonly slack?: { path: string; listener: RequestListener },
  ) {
    this.routes = routes.flatMap((r) =>
      (Array.isArray(r.method) ? r.method : [r.method]).map((m) => ({ method: m.toUpperCase(), segments: r.path.split('/'), handler: r.handler })),
    );
  }

  async listen(port: number, host: string): Promise<Server> {
    const server = createServer((req, res) => this.dispatch(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return server;
  }

  url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the server is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  }

  /** Stops taking connections and waits (bounded) for answers in flight, e.g. acks Slack is waiting for. */
  async close(graceMs = 5_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    server.closeAllConnections();
    await closed;
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight.add(res);
    res.on('close', () => this.inFlight.delete(res));
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    if (this.slack && path === this.slack.path && method === 'POST') {
      this.slack.listener(req, res);
      return;
    }
    for (const route of this.routes) {
      const params = route.method === method ? match(route.segments, path.split('/')) : undefined;
      if (params) {
        route.handler(Object.assign(req, { params }), res);
        return;
      }
    }
    sendJson(res, 404, { error: 'Not found.' });
  }
}

function match(pattern: string[], actual: string[]): Params | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(':')) {
      if (a === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return undefined;
      }
    } else if (p !== a) return undefined;
  }
  return params;
}
