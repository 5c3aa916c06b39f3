// Secrets never reach a log line: the real logger, writing to a captured stream, fed objects that
// carry tokens, signatures, authorization headers and webhook secrets at several depths.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import { boltLogger } from '../../src/adapters/logging/bolt-logger.js';

const SECRETS = {
  botToken: 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx',
  appToken: 'xapp-1-A0123456789-1234567890123-abcdefabcdefabcdef',
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  slackSignature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  pagerDutySignature: 'v1=3f1b0c7e9d2a4b6c8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d',
  pagerDutyToken: 'u+PDapiTokenValue-9z8y7x6w',
  webhookSecret: 'pd-webhook-secret-Zq81mK2nL4',
  apiToken: 'ci-api-token-0123456789abcdefXYZ',
  password: 'hunter2-correct-horse',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJlLXZhbHVl',
};

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('trace', stream), lines, text: () => lines.join('\n') };
}

function expectNoSecrets(text: string): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(text, `${name} leaked`).not.toContain(value);
  }
  // The hex part alone must not survive either (a censor that kept `v0=` off but the digest on would still leak).
  expect(text).not.toContain(SECRETS.slackSignature.slice(3));
  expect(text).not.toContain(SECRETS.pagerDutySignature.slice(3));
}

describe('log redaction', () => {
  it('censors secret-named fields at the top level', () => {
    const { logger, text, lines } = capture();
    logger.info(
      {
        token: SECRETS.botToken,
        signingSecret: SECRETS.signingSecret,
        webhookSecret: SECRETS.webhookSecret,
        apiToken: SECRETS.apiToken,
        password: SECRETS.password,
      },
      'config',
    );
    expectNoSecrets(text());
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: '[redacted]', signingSecret: '[redacted]', msg: 'config' });
  });

  it('censors HTTP headers of Slack and PagerDuty requests at any depth', () => {
    const { logger, text, lines } = capture();
    logger.warn(
      {
        req: {
          method: 'POST',
          url: '/slack/events',
          headers: {
            authorization: `Bearer ${SECRETS.apiToken}`,
            'x-slack-signature': SECRETS.slackSignature,
            'x-slack-request-timestamp': '1531420618',
          },
        },
        upstream: {
          request: {
            options: { headers: { Authorization: `Token token=${SECRETS.pagerDutyToken}`, 'X-PagerDuty-Signature': SECRETS.pagerDutySignature } },
          },
        },
      },
      'rejected request',
    );
    expectNoSecrets(text());
    const line = JSON.parse(lines[0]!);
    // What is not a secret stays readable: that is what makes the line useful.
    expect(line.req.headers['x-slack-request-timestamp']).toBe('1531420618');
    expect(line.req.url).toBe('/slack/events');
  });

  it('censors secrets deep inside arrays, nested configs and child logger bindings', () => {
    const { logger, text } = capture();
    const child = logger
      .child({ clientOptions: { slack: { botToken: SECRETS.botToken, appToken: SECRETS.appToken } } })
      .child({ pagerduty: { token: SECRETS.pagerDutyToken } });
    child.error(
      {
        deliveries: [{ attempt: 1, webhook: { subscription: { secret: SECRETS.webhookSecret } } }],
        env: { SLACK_SIGNING_SECRET: SECRETS.signingSecret, PAGERDUTY_TOKEN: SECRETS.pagerDutyToken, SMARTSPEC_API_TOKEN: SECRETS.apiToken },
        a: { b: { c: { d: { e: { credentials: { password: SECRETS.password } } } } } },
      },
      'delivery failed',
    );
    expectNoSecrets(text());
  });

  it('scrubs secrets that appear inside strings: messages, error messages, stacks, raw header lists, URLs', () => {
    const { logger, text } = capture();
    const error = new Error(`Slack refused token ${SECRETS.botToken}`);
    (error as Error & { rawHeaders?: string[] }).rawHeaders = [
      'X-Slack-Signature',
      SECRETS.slackSignature,
      'Authorization',
      `Bearer ${SECRETS.bearer}`,
    ];
    logger.error(
      { err: error, url: new URL(`https://example.invalid/hook?token=${SECRETS.webhookSecret}`) },
      'call with %s failed',
      SECRETS.appToken,
    );
    logger.info(`pasted by mistake: ${SECRETS.botToken} and signature ${SECRETS.pagerDutySignature}`);
    logger.error(new Error(`password=${SECRETS.password}`), 'connect failed');
    expectNoSecrets(text());
    expect(text()).toContain('Slack refused token'); // the message survives, only the token goes
  });

  it('censors errors nested in causes and in other objects', () => {
    const { logger, text } = capture();
    const inner = Object.assign(new Error('upstream 401'), { config: { headers: { authorization: `Bearer ${SECRETS.bearer}` } } });
    const outer = new Error('PagerDuty note failed', { cause: inner });
    logger.warn({ err: outer, result: { error: inner } }, 'note failed');
    expectNoSecrets(text());
    expect(text()).toContain('upstream 401');
  });

  it('survives circular objects without hanging or leaking', () => {
    const { logger, text } = capture();
    const loop: Record<string, unknown> = { token: SECRETS.botToken };
    loop['self'] = loop;
    logger.info({ loop }, 'circular');
    expectNoSecrets(text());
    expect(text()).toContain('[circular]');
  });

  it('keeps what Bolt logs through boltLogger clean too', () => {
    const { logger, text } = capture();
    const bolt = boltLogger(logger);
    bolt.error('request failed', { headers: { 'x-slack-signature': SECRETS.slackSignature }, token: SECRETS.botToken });
    bolt.debug(`retrying with signing_secret=${SECRETS.signingSecret}`);
    expectNoSecrets(text());
  });

  it('does not change the object the caller logged', () => {
    const { logger } = capture();
    const payload = { headers: { authorization: `Bearer ${SECRETS.apiToken}` } };
    logger.info(payload, 'kept');
    expect(payload.headers.authorization).toBe(`Bearer ${SECRETS.apiToken}`);
  });

  it('honours the level', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('warn', stream);
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.join('')).not.toContain('hidden');
    expect(lines.join('')).toContain('shown');
  });
});
