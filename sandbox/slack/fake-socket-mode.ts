// Slack's Socket Mode endpoint for tests and the demo: `apps.connections.open` (app-level token)
// hands out a WebSocket URL; Slack then pushes envelopes and the app acks each by envelope_id.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DeliveryResponse } from './slack-app-delivery.js';
import type { AppTransport } from './slack-user-simulator.js';

const ACK_TIMEOUT_MS = 10_000;

export interface FakeSocketMode {
  /** What the app passes as its Socket Mode client's slackApiUrl. */
  readonly apiUrl: string;
  /** Plug into FakeSlack.setTransport: the simulator's deliveries become envelopes. */
  readonly transport: AppTransport;
  /** Resolves once the app holds an open connection (bounded). */
  connected(timeoutMs?: number): Promise<void>;
  readonly connectionsOpened: number;
  /** Connections open now (one per app process holding Socket Mode). */
  readonly openConnections: number;
  /** Each envelope sent so far and the connection it went to (numbered 1, 2, … in the order they opened). */
  readonly deliveries: ReadonlyArray<{ envelopeId: string; type: string; connection: number }>;
  close(): Promise<void>;
}

export interface FakeSocketModeOptions {
  appToken: string;
  /**
   * Which open connection gets each envelope. Slack spreads an app's envelopes across its open
   * connections (several replicas, one connection each); 'first' (the default) always uses the oldest.
   */
  spread?: 'first' | 'round-robin';
}

export async function startFakeSocketMode(opts: FakeSocketModeOptions): Promise<FakeSocketMode> {
  const sockets = new Set<WebSocket>();
  const numbers = new WeakMap<WebSocket, number>();
  const deliveries: Array<{ envelopeId: string; type: string; connection: number }> = [];
  let turn = 0;
  const pending = new Map<string, (ack: Record<string, unknown>) => void>();
  let opened = 0;
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/api/apps.connections.open')) {
      req.resume();
      const ok = req.headers.authorization === `Bearer ${opts.appToken}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { ok: true, url: `ws://127.0.0.1:${port()}/link/?ticket=${randomUUID()}` } : { ok: false, error: 'invalid_auth' }));
      return;
    }
    res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/link/')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      opened++;
      numbers.set(ws, opened);
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(String(data)) as Record<string, unknown>;
        } catch {
          return;
        }
        const resolve = typeof message['envelope_id'] === 'string' ? pending.get(message['envelope_id']) : undefined;
        resolve?.(message);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: sockets.size,
          debug_info: { host: 'fake-socket-mode' },
          connection_info: { app_id: 'A0FAKEAPP' },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = () => (server.address() as AddressInfo).port;

  const transport: AppTransport = async (_rawBody, payload, deliveryOpts) => {
    const open = [...sockets];
    const socket = opts.spread === 'round-robin' ? open[turn++ % Math.max(open.length, 1)] : open[0];
    if (!socket) throw new Error('no Socket Mode connection is open: did the app start?');
    const envelopeId = randomUUID();
    const type = typeof payload['command'] === 'string' ? 'slash_commands' : 'interactive';
    deliveries.push({ envelopeId, type, connection: numbers.get(socket) ?? 0 });
    const started = performance.now();
    const ack = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(envelopeId);
        reject(new Error(`the app did not ack envelope ${envelopeId} within ${deliveryOpts.timeoutMs ?? ACK_TIMEOUT_MS} ms`));
      }, deliveryOpts.timeoutMs ?? ACK_TIMEOUT_MS);
      pending.set(envelopeId, (message) => {
        clearTimeout(timer);
        pending.delete(envelopeId);
        resolve(message);
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type === 'slash_commands',
          retry_attempt: deliveryOpts.retryNum ?? 0,
          retry_reason: deliveryOpts.retryReason ?? '',
        }),
      );
    });
    const body = ack['payload'] === undefined ? '' : JSON.stringify(ack['payload']);
    const answer: DeliveryResponse = {
      status: 200,
      body,
      headers: {},
      elapsedMs: performance.now() - started,
      ...(ack['payload'] === undefined ? {} : { json: ack['payload'] }),
    };
    return answer;
  };

  return {
    apiUrl: `http://127.0.0.1:${port()}/api/`,
    transport,
    get connectionsOpened() {
      return opened;
    },
    get openConnections() {
      return sockets.size;
    },
    deliveries,
    async connected(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (sockets.size === 0) {
        if (Date.now() > deadline) throw new Error(`no Socket Mode connection within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
