// Catalog keys of issue 14: approvals.maxAutoRisk, verification.required, requireReasonIn, API tokens
// (as hashes, inline or in a file the catalog names) and the warning for services without checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { ConfigError } from '../../src/config/config-error.js';

const HASH = 'a'.repeat(64);
const base = (extra = '', approvals = '') => `
services:
  checkout:
    kubernetes: { namespace: shop, deployments: [checkout-api] }
    approvals: { approvers: [U01AAAA]${approvals} }
  search:
    environment: staging
    kubernetes: { namespace: shop, deployments: [search] }
    verification: { http: [{ url: "http://search/healthz" }] }
    approvals: { approvers: [U01AAAA] }
${extra}`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('catalog keys for safe automation', () => {
  it('defaults: maxAutoRisk MEDIUM, verification not required, a reason required in production only, no tokens', () => {
    const catalog = parseCatalog(base(), 'smartspec.yml');
    expect(catalog.services.get('checkout')).toMatchObject({
      approvals: { maxAutoRisk: 'MEDIUM' },
      verification: { required: false },
      reasonRequired: true,
    });
    expect(catalog.services.get('search')?.reasonRequired).toBe(false);
    expect(catalog.apiTokens).toEqual([]);
  });

  it('warns, naming each service without any check', () => {
    expect(parseCatalog(base(), 'smartspec.yml').warnings).toEqual([expect.stringMatching(/^service checkout has no verification checks/)]);
  });

  it.each([
    [base('', ', maxAutoRisk: HIGH'), (c: ReturnType<typeof parseCatalog>) => expect(c.services.get('checkout')?.approvals.maxAutoRisk).toBe('HIGH')],
    [
      base('requireReasonIn: [staging]'),
      (c: ReturnType<typeof parseCatalog>) =>
        expect([c.services.get('checkout')?.reasonRequired, c.services.get('search')?.reasonRequired]).toEqual([false, true]),
    ],
    [
      base(`apiTokens:\n  - { name: ci-checkout, sha256: ${HASH}, scopes: [record, rollback], services: [checkout] }`),
      (c: ReturnType<typeof parseCatalog>) =>
        expect(c.apiTokens).toEqual([{ name: 'ci-checkout', sha256: HASH, scopes: ['record', 'rollback'], services: ['checkout'] }]),
    ],
  ])('parses %#', (yaml, assert) => {
    assert(parseCatalog(yaml, 'smartspec.yml'));
  });

  it.each([
    [base('', ', maxAutoRisk: CRITICAL'), /approvals.maxAutoRisk: must be LOW, MEDIUM or HIGH/],
    [
      base(`apiTokens:\n  - { name: ci, sha256: "s3cret-token", scopes: [record], services: [checkout] }`),
      /apiTokens.0.sha256: must be the token's SHA-256/,
    ],
    [
      base(`apiTokens:\n  - { name: ci, sha256: ${HASH}, scopes: [deploy], services: [checkout] }`),
      /apiTokens.0.scopes.0: must be record, rollback or read/,
    ],
    [
      base(`apiTokens:\n  - { name: ci, sha256: ${HASH}, scopes: [read], services: [payments] }`),
      /apiTokens.0.services: names payments, which is not a service/,
    ],
    [
      base(
        `apiTokens:\n  - { name: ci, sha256: ${HASH}, scopes: [read], services: ['*'] }\n  - { name: ci, sha256: ${'b'.repeat(64)}, scopes: [read], services: ['*'] }`,
      ),
      /the name ci is used twice/,
    ],
  ])('refuses %#, naming the key', (yaml, message) => {
    expect(configError(() => parseCatalog(yaml, 'smartspec.yml')).message).toMatch(message);
  });

  describe('apiTokensFile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads the tokens from the file the catalog names, relative to the catalog', () => {
      writeFileSync(join(dir, 'tokens.yml'), `apiTokens:\n  - { name: ci-search, sha256: ${HASH}, scopes: [read], services: [search] }\n`);
      const catalog = parseCatalog(base('apiTokensFile: tokens.yml'), join(dir, 'smartspec.yml'));
      expect(catalog.apiTokens?.map((t) => t.name)).toEqual(['ci-search']);
    });

    it.each([
      ['missing.yml', /apiTokensFile: .*missing.yml cannot be read \(ENOENT\)/],
      ['bad.yml', /bad.yml: apiTokens.0.scopes: must list at least one scope/],
    ])('a bad file %s is a configuration error naming it', (file, message) => {
      writeFileSync(join(dir, 'bad.yml'), `apiTokens:\n  - { name: x, sha256: ${HASH}, scopes: [], services: [search] }\n`);
      expect(configError(() => parseCatalog(base(`apiTokensFile: ${file}`), join(dir, 'smartspec.yml'))).message).toMatch(message);
    });
  });
});
