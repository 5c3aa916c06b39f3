import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseEnv } from '../../src/config/env.js';
import { readFileSync } from 'node:fs';

const goodEnv = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'abcdef0123456789' };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv(goodEnv);
    expect(env).toMatchObject({
      PORT: 3000,
      DATABASE_PATH: './data/smartspec.db',
      SMARTSPEC_CONFIG: './smartspec.yml',
      SLACK_API_URL: 'https://slack.com/api/',
      PAGERDUTY_API_URL: 'https://api.pagerduty.com',
      LOG_LEVEL: 'info',
    });
  });

  it.each([
    [{}, /environment variable SLACK_BOT_TOKEN: is required/],
    [{ ...goodEnv, SLACK_BOT_TOKEN: 'xapp-wrong' }, /SLACK_BOT_TOKEN: must be a bot token starting with xoxb-/],
    [{ ...goodEnv, PORT: 'eighty' }, /PORT: must be a port number/],
    [{ ...goodEnv, LOG_LEVEL: 'loud' }, /LOG_LEVEL: must be one of/],
    [{ ...goodEnv, SMARTSPEC_API_TOKEN: 'short' }, /SMARTSPEC_API_TOKEN: must be at least 16 characters/],
  ])('names the variable and what was expected: %j', (env, message) => {
    const error = configError(() => parseEnv(env));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv({ ...goodEnv, SLACK_APP_TOKEN: '', PORT: '' }).PORT).toBe(3000);
  });

  it('never echoes a secret value in its error', () => {
    const error = configError(() => parseEnv({ ...goodEnv, SLACK_SIGNING_SECRET: 'tiny' }));
    expect(error.message).not.toContain('tiny');
  });
});

const minimal = `
services:
  checkout:
    kubernetes: { namespace: shop, deployments: [checkout-api] }
    approvals: { approvers: [U01AAAA] }
`;

describe('parseCatalog', () => {
  it('parses the example catalog shipped in the repo', () => {
    const catalog = parseCatalog(readFileSync('smartspec.example.yml', 'utf8'), 'smartspec.example.yml');
    expect(catalog.services.get('checkout')?.target).toMatchObject({ kind: 'kubernetes', deployments: expect.arrayContaining(['checkout-api']) });
  });

  it('fills defaults', () => {
    const svc = parseCatalog(minimal, 'smartspec.yml').services.get('checkout');
    expect(svc).toMatchObject({
      environment: 'production',
      planExpiryMinutes: 30,
      approvals: { required: 1, highRiskRequired: 2, allowSelfApproval: false },
      verification: { timeoutSeconds: 300 },
    });
  });

  it.each([
    ['services: [', /smartspec.yml: is not valid YAML/],
    ['{}', /smartspec.yml: services: /],
    [minimal.replace('approvers: [U01AAAA]', 'approvers: []'), /services.checkout.approvals.approvers: must name at least one approver/],
    [minimal.replace('approvers: [U01AAAA]', 'approvers: [alice]'), /services.checkout.approvals.approvers.0: must be a Slack user id/],
    [minimal.replace('namespace: shop', 'namespace: Shop_1'), /services.checkout.kubernetes.namespace: must be a Kubernetes namespace name/],
    [minimal.replace('deployments: [checkout-api]', 'deployments: [checkout-api], core: [nope]'), /services.checkout.kubernetes.core: names nope/],
    [minimal.replace('    approvals:', '    aprovals: {}\n    approvals:'), /services.checkout: Unrecognized key: "aprovals"/],
    [minimal.replace('checkout:', '"bad name!":'), /services.bad name!/],
  ])('rejects a malformed catalog with the key named (%#)', (text, message) => {
    const error = configError(() => parseCatalog(text, 'smartspec.yml'));
    expect(error.message).toMatch(message);
  });
});
