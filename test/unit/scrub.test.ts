import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/core/scrub.js';

describe('scrubSecrets', () => {
  it.each([
    ['Authorization: Bearer abcdefghijklmnop', 'abcdefghijklmnop'],
    ['slack xoxb-1234-5678-abcdefgh', 'xoxb-1234-5678-abcdefgh'],
    ['app xapp-1-A1-23-abc', 'xapp-1-A1-23-abc'],
    ['aws AKIAABCDEFGHIJKLMNOP', 'AKIAABCDEFGHIJKLMNOP'],
    ['DATABASE_URL=postgres://user:s3cr3t@db/app', 's3cr3t'],
    ['password=hunter2 next', 'hunter2'],
    ['{"api_key": "k-123456"}', 'k-123456'],
    ['DB_PASSWORD: p@ss', 'p@ss'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', 'MIIE'],
    [
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ],
  ])('removes the secret from %j', (text, secret) => {
    const out = scrubSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('redacted');
  });

  it('leaves ordinary log lines alone', () => {
    const line = 'GET /healthz 200 in 3ms (pod checkout-api-7d9f, version v1.2.0)';
    expect(scrubSecrets(line)).toBe(line);
  });
});
