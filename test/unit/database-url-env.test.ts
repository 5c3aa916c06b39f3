// DATABASE_URL: which store the bot runs on, checked at start, and never echoed (it carries a password).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseEnv } from '../../src/config/env.js';
import { storeKind } from '../../src/adapters/open-store.js';

const goodEnv = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'abcdef0123456789' };

describe('DATABASE_URL', () => {
  it('is unset by default: the bot keeps the SQLite file at DATABASE_PATH', () => {
    const env = parseEnv(goodEnv);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(storeKind({ databasePath: env.DATABASE_PATH, databaseUrl: env.DATABASE_URL })).toBe('sqlite');
    expect(parseEnv({ ...goodEnv, DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each(['postgres://smartspec:s3cret@db.internal:5432/smartspec?sslmode=verify-full', 'postgresql://smartspec@db.internal/smartspec'])(
    'selects PostgreSQL for %s',
    (url) => {
      const env = parseEnv({ ...goodEnv, DATABASE_URL: url });
      expect(env.DATABASE_URL).toBe(url);
      expect(storeKind({ databasePath: env.DATABASE_PATH, databaseUrl: env.DATABASE_URL })).toBe('postgresql');
    },
  );

  it.each(['mysql://root:hunter2secret@db/smartspec', 'db.internal:5432/smartspec', 'postgres://'])(
    'refuses %s with exit code 2, naming the variable but not repeating the value',
    (url) => {
      let error: unknown;
      try {
        parseEnv({ ...goodEnv, DATABASE_URL: url });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      expect((error as ConfigError).message).toMatch(/environment variable DATABASE_URL: must be a PostgreSQL URL such as postgres:\/\//);
      expect((error as ConfigError).message).not.toContain('hunter2secret');
    },
  );
});
