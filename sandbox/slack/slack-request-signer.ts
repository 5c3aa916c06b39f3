import { createHmac } from 'node:crypto';

export interface SlackSignedHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
}

/**
 * Signs a request body exactly as Slack does: `v0=` + hex HMAC-SHA256 of `v0:{ts}:{body}`
 * keyed with the app's signing secret, the timestamp in whole seconds.
 *
 * The content type defaults to a bare `application/x-www-form-urlencoded` (slash commands and
 * interactivity): Bolt's HTTPReceiver compares it with `===`, so a `; charset=…` suffix would make
 * it parse the body as JSON and fail.
 */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
  contentType = 'application/x-www-form-urlencoded',
): SlackSignedHeaders {
  const ts = String(Math.floor(timestampSeconds));
  const hex = createHmac('sha256', signingSecret).update(`v0:${ts}:${rawBody}`).digest('hex');
  return {
    'x-slack-signature': `v0=${hex}`,
    'x-slack-request-timestamp': ts,
    'content-type': contentType,
  };
}
