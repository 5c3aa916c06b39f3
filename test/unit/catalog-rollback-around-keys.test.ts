// The catalog's database, runbook, followUp and rehearsal keys, and GITHUB_* variables: what a
// correct entry becomes, and a clear message naming the key for each mistake.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/config/catalog.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseEnv } from '../../src/config/env.js';

const base = (extra: string) => `
services:
  cart:
    kubernetes: { namespace: shop, deployments: [cart-api] }
    approvals: { approvers: [U01AAAA] }
${extra}`;

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const catalog = (extra: string) => parseCatalog(base(extra), 'smartspec.yml');

describe('catalog keys around the rollback', () => {
  it('reads database, runbook, followUp and rehearsal', () => {
    const cart = catalog(
      [
        '    database: { backup: ["./db.sh", "backup", "{service}"], migrateDown: ["./db.sh", "down", "{migration}"] }',
        '    runbook: https://wiki.example.com/runbooks/cart',
        '    followUp: { github: { repo: shop/cart } }',
        '    rehearsal: { everyHours: 24 }',
      ].join('\n'),
    ).services.get('cart')!;
    expect(cart.database).toEqual({
      backup: ['./db.sh', 'backup', '{service}'],
      migrateDown: ['./db.sh', 'down', '{migration}'],
      timeoutSeconds: 1800,
    });
    expect(cart.runbook).toBe('https://wiki.example.com/runbooks/cart');
    expect(cart.followUp).toEqual({ github: { repo: 'shop/cart' } });
    expect(cart.rehearsal).toEqual({ everyHours: 24 });
  });

  it.each([
    [
      'a migrateDown without {migration}',
      '    database: { backup: ["./db.sh"], migrateDown: ["./db.sh", "down"] }',
      /database\.migrateDown.*must contain \{migration\}/,
    ],
    [
      'an unknown placeholder',
      '    database: { backup: ["./db.sh", "{servce}"], migrateDown: ["./db.sh", "{migration}"] }',
      /database\.backup.*unknown placeholder/,
    ],
    [
      '{migration} in the backup',
      '    database: { backup: ["./db.sh", "{migration}"], migrateDown: ["./db.sh", "{migration}"] }',
      /database\.backup.*cannot use \{migration\}/,
    ],
    ['a shell string instead of an argv', '    database: { backup: "./db.sh backup", migrateDown: ["./db.sh", "{migration}"] }', /database\.backup/],
    ['a runbook that is not a URL', '    runbook: wiki/cart', /runbook.*http\(s\) URL/],
    ['a repository that is not owner/name', '    followUp: { github: { repo: cart } }', /followUp\.github\.repo.*owner\/name/],
    ['a rehearsal period of zero', '    rehearsal: { everyHours: 0 }', /rehearsal\.everyHours.*positive number of hours/],
    ['an unknown followUp tracker', '    followUp: { jira: { project: CART } }', /followUp/],
  ])('refuses %s, naming the key', (_name, extra, message) => {
    expect(refusal(() => catalog(extra))).toMatch(message);
  });
});

describe('GITHUB_* variables', () => {
  const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret' };
  it('defaults the API base to api.github.com', () => {
    expect(parseEnv({ ...env, GITHUB_TOKEN: 'ghp_x' })).toMatchObject({ GITHUB_TOKEN: 'ghp_x', GITHUB_API_URL: 'https://api.github.com' });
  });
  it('refuses an API base that is not a URL, naming the variable', () => {
    expect(refusal(() => parseEnv({ ...env, GITHUB_API_URL: 'github.example.com' }))).toMatch(/GITHUB_API_URL.*GitHub REST API base/);
  });
});
