// Server-Sent Events to every open page: "Slack changed" (the page fetches what its user may see)
// and cluster snapshots, throttled because a rollout changes pods many times a second.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface LiveEventsOptions {
  /** Built only when it is about to be sent. */
  clusterSnapshot: () => unknown;
  clusterThrottleMs: number;
}

export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private clusterTimer: NodeJS.Timeout | undefined;
  private lastClusterAt = 0;
  private closed = false;

  constructor(private readonly options: LiveEventsOptions) {}

  attach(req: IncomingMessage, res: ServerResponse): void {
    if (this.closed) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    // EventSource reconnects by itself after a restart of the demo; one second is plenty on loopback.
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
    this.send(res, 'cluster', this.options.clusterSnapshot());
  }

  /** Only the kind of change: what a user may see (ephemerals, modals) depends on who they are. */
  slackChanged(type: string): void {
    this.broadcast('slack', { type });
  }

  /** At most one snapshot per throttle period; the last change in a burst is always sent. */
  clusterChanged(): void {
    if (this.closed || this.clusterTimer) return;
    const wait = this.lastClusterAt + this.options.clusterThrottleMs - Date.now();
    if (wait <= 0) {
      this.sendCluster();
      return;
    }
    this.clusterTimer = setTimeout(() => {
      this.clusterTimer = undefined;
      this.sendCluster();
    }, wait);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    this.closed = true;
    if (this.clusterTimer) clearTimeout(this.clusterTimer);
    this.clusterTimer = undefined;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private sendCluster(): void {
    this.lastClusterAt = Date.now();
    if (this.clients.size > 0) this.broadcast('cluster', this.options.clusterSnapshot());
  }

  private broadcast(event: string, data: unknown): void {
    for (const res of this.clients) this.send(res, event, data);
  }

  private send(res: ServerResponse, event: string, data: unknown): void {
    // JSON.stringify never emits a raw newline, so one data: line always suffices.
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
