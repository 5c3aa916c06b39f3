import { type IncomingHttpHeaders, request } from 'node:http';
import { signSlackRequest } from './slack-request-signer.js';

/** How a request to the app is signed and sent; the defaults are what Slack does. */
export interface DeliveryOptions {
  /** The app's base URL, e.g. http://127.0.0.1:3000. Defaults to the fake's appUrl. */
  appUrl?: string;
  /** Defaults to /slack/events, the one endpoint of this app. */
  path?: string;
  /** Sign with the wrong secret (negative tests). */
  badSignature?: boolean;
  /** Send no signature headers at all (negative tests). */
  unsigned?: boolean;
  /** Signature timestamp in seconds; e.g. now − 6 min for a stale request. Defaults to now. */
  timestampSeconds?: number;
  /** Adds x-slack-retry-num / x-slack-retry-reason, as Slack does when it redelivers. */
  retryNum?: number;
  retryReason?: string;
  /** Bound on the whole HTTP exchange; Slack itself gives up after 3 s. Default 10 s. */
  timeoutMs?: number;
}

/** What the app answered (its ack) plus what was sent, for assertions and redelivery. */
export interface SlackDelivery {
  status: number;
  body: string;
  /** The ack body parsed, when the app answered with JSON. */
  json?: unknown;
  headers: IncomingHttpHeaders;
  elapsedMs: number;
  /** The exact form body that was signed and sent. */
  rawBody: string;
  /** The decoded payload (slash command fields, or the interactive payload object). */
  payload: Record<string, unknown>;
}

export type DeliveryResponse = Omit<SlackDelivery, 'rawBody' | 'payload'>;

/** Signs and POSTs a form body to the app, as Slack's servers do. Never hangs past timeoutMs. */
export function deliverToApp(signingSecret: string, appUrl: string, rawBody: string, opts: DeliveryOptions): Promise<DeliveryResponse> {
  const url = new URL(opts.path ?? '/slack/events', appUrl);
  const secret = opts.badSignature ? `${signingSecret}-wrong` : signingSecret;
  const signed = signSlackRequest(secret, rawBody, opts.timestampSeconds);
  const headers: Record<string, string> = opts.unsigned ? { 'content-type': signed['content-type'] } : { ...signed };
  headers['content-length'] = String(Buffer.byteLength(rawBody));
  headers['user-agent'] = 'Slackbot 1.0 (+https://api.slack.com/robots)';
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const started = performance.now();

  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks).toString('utf8');
        const isJson = String(res.headers['content-type'] ?? '').includes('application/json');
        let json: unknown;
        if (isJson && body !== '') {
          try {
            json = JSON.parse(body) as unknown;
          } catch {
            json = undefined;
          }
        }
        resolve({
          status: res.statusCode ?? 0,
          body,
          ...(json !== undefined ? { json } : {}),
          headers: res.headers,
          elapsedMs: performance.now() - started,
        });
      });
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`app did not answer ${url.href} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(rawBody);
  });
}
