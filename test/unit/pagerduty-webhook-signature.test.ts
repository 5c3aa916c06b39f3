import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyPagerDutySignature } from '../../src/adapters/pagerduty/webhook-signature.js';
import { signPagerDutyWebhook } from '../../sandbox/pagerduty/webhook-sender.js';

const SECRET = 'whsec-test-0123456789';
const BODY = '{"event":{"id":"01H","event_type":"incident.triggered","data":{"title":"Ünïcödé ☕"}}}';
const hex = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('hex');

describe('verifyPagerDutySignature', () => {
  it('accepts the v1 HMAC-SHA256 hex of the raw body', () => {
    expect(verifyPagerDutySignature(BODY, `v1=${hex(SECRET, BODY)}`, SECRET)).toBe(true);
  });

  it('accepts the same bytes given as a Buffer (UTF-8, as PagerDuty signs them)', () => {
    const raw = Buffer.from(BODY, 'utf8');
    expect(verifyPagerDutySignature(raw, `v1=${hex(SECRET, raw)}`, SECRET)).toBe(true);
  });

  it('agrees with the sandbox signer the demo and tests use', () => {
    expect(verifyPagerDutySignature(BODY, signPagerDutyWebhook(SECRET, BODY), SECRET)).toBe(true);
  });

  it('accepts when any one of several signatures matches (secret rotation), in any position', () => {
    const ours = `v1=${hex(SECRET, BODY)}`;
    const old = `v1=${hex('the-old-secret', BODY)}`;
    expect(verifyPagerDutySignature(BODY, `${old},${ours}`, SECRET)).toBe(true);
    expect(verifyPagerDutySignature(BODY, `${ours},${old}`, SECRET)).toBe(true);
    expect(verifyPagerDutySignature(BODY, `${old}, ${ours}`, SECRET)).toBe(true);
  });

  it('accepts upper-case hex', () => {
    expect(verifyPagerDutySignature(BODY, `v1=${hex(SECRET, BODY).toUpperCase()}`, SECRET)).toBe(true);
  });

  it.each([
    ['a tampered body', `${BODY} `, `v1=${hex(SECRET, BODY)}`, SECRET],
    ['a re-serialized body', JSON.stringify(JSON.parse(BODY), null, 2), `v1=${hex(SECRET, BODY)}`, SECRET],
    ['the wrong secret', BODY, `v1=${hex('not-the-secret', BODY)}`, SECRET],
    ['only wrong signatures', BODY, `v1=${hex('a', BODY)},v1=${hex('b', BODY)}`, SECRET],
    ['a missing header', BODY, undefined, SECRET],
    ['an empty header', BODY, '', SECRET],
    ['an empty secret, even with a signature made with it', BODY, `v1=${hex('', BODY)}`, ''],
  ])('rejects %s', (_name, body, header, secret) => {
    expect(verifyPagerDutySignature(body, header, secret)).toBe(false);
  });

  it.each([
    ['no scheme', hex(SECRET, BODY)],
    ['another scheme', `v0=${hex(SECRET, BODY)}`],
    ['sha256= like GitHub', `sha256=${hex(SECRET, BODY)}`],
    ['v2 of the right digest', `v2=${hex(SECRET, BODY)}`],
    ['a truncated digest', `v1=${hex(SECRET, BODY).slice(0, 63)}`],
    ['an over-long digest', `v1=${hex(SECRET, BODY)}00`],
    ['non-hex characters', `v1=${'z'.repeat(64)}`],
    ['base64 instead of hex', `v1=${createHmac('sha256', SECRET).update(BODY).digest('base64')}`],
    ['only separators', ',,,'],
    ['v1= with nothing after it', 'v1='],
    ['an absurdly long header', `v1=${hex(SECRET, BODY)},${'v1=00,'.repeat(1000)}`],
  ])('rejects a malformed header: %s', (_name, header) => {
    expect(verifyPagerDutySignature(BODY, header, SECRET)).toBe(false);
  });

  it('ignores malformed entries next to a valid one', () => {
    expect(verifyPagerDutySignature(BODY, `v0=abc,v1=xyz,v1=${hex(SECRET, BODY)}`, SECRET)).toBe(true);
  });
});
