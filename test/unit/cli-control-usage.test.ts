// `cancel` and `retry` refuse a missing or extra run id before contacting the bot (exit 2).
import { describe, expect, it } from 'vitest';
import { CLI_USAGE, runCli } from '../../src/cli/run-cli.js';

// Port 9 (discard) on loopback: a request would fail with exit 1, so exit 2 proves none was made.
const env = { SMARTSPEC_URL: 'http://127.0.0.1:9', SMARTSPEC_API_TOKEN: 'token' };

describe('cancel and retry usage', () => {
  it.each([
    [['cancel'], 'cancel <run-id>'],
    [['cancel', 'rb-1', 'rb-2'], 'cancel <run-id>'],
    [['cancel', '--all'], 'cancel <run-id>'],
    [['retry'], 'retry <run-id>'],
  ])('%j exits 2 with its usage', async (argv, usage) => {
    const err: string[] = [];
    expect(await runCli(argv, env, { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
    expect(err.join('\n')).toContain(`Usage: smartspec-rollback ${usage}`);
  });

  it('lists both in the usage', () => {
    expect(CLI_USAGE).toMatch(/cancel <run-id> +withdraw a waiting plan/);
    expect(CLI_USAGE).toMatch(/retry <run-id> +plan a failed, interrupted, expired or cancelled rollback again/);
  });
});
