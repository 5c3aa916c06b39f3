// PagerDuty v3 webhooks: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, one HMAC-SHA256 of the raw
// body per signing secret (several during a secret rotation). One match is enough.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A real header holds a handful of signatures; anything far longer is not from PagerDuty. */
const MAX_HEADER_LENGTH = 2048;
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * True when at least one `v1=` signature in `header` is the HMAC-SHA256 of `rawBody` keyed with
 * `secret`. False for a missing, empty, oversized or malformed header, other schemes, and an empty
 * secret (an unset secret must never make every request look signed).
 *
 * `rawBody` must be the bytes as received: re-serialized JSON does not match.
 */
export function verifyPagerDutySignature(rawBody: string | Buffer, header: string | undefined, secret: string): boolean {
  if (!secret || typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let matched = false;
  for (const part of header.split(',')) {
    const entry = part.trim();
    if (!entry.startsWith('v1=')) continue;
    const hex = entry.slice(3);
    if (!SHA256_HEX.test(hex)) continue;
    // Both are 32 bytes here, so timingSafeEqual cannot throw; keep looping to not reveal which matched.
    if (timingSafeEqual(Buffer.from(hex, 'hex'), expected)) matched = true;
  }
  return matched;
}
