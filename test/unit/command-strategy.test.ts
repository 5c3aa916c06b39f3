// `--strategy gradual|instant` on the slash command: parsed into the request; anything else refused with usage.
import { describe, expect, it } from 'vitest';
import { parseRollbackArgs } from '../../src/cli/commands/rollback.js';
import { CliError } from '../../src/cli/exit-codes.js';
import { parseCommand } from '../../src/core/command.js';
import { UserError } from '../../src/core/errors.js';

describe('--strategy', () => {
  it.each([
    ['--failed-deployment-id d-1 --strategy gradual', 'gradual'],
    ['checkout --strategy=instant', 'instant'],
  ])('%s', (text, strategy) => {
    expect(parseCommand(text)).toMatchObject({ kind: 'rollback', strategy });
  });

  it('is absent unless given', () => {
    expect(parseCommand('--failed-deployment-id d-1')).not.toHaveProperty('strategy');
  });

  it.each([
    ['--failed-deployment-id d-1 --strategy canary', /`--strategy canary` is not known: use `gradual` or `instant`/],
    ['--failed-deployment-id d-1 --strategy', /`--strategy` needs a value/],
    ['--failed-deployment-id d-1 --strategy gradual --strategy instant', /`--strategy` is given twice/],
  ])('refuses %s', (text, message) => {
    expect(() => parseCommand(text)).toThrow(UserError);
    expect(() => parseCommand(text)).toThrow(message);
  });
});

describe('CLI rollback --strategy', () => {
  it('goes into the API body', () => {
    expect(parseRollbackArgs(['--service', 'web', '--strategy', 'gradual'], false).body).toMatchObject({ service: 'web', strategy: 'gradual' });
    expect(parseRollbackArgs(['--service', 'web'], false).body).not.toHaveProperty('strategy');
  });

  it('refuses another value as a usage error', () => {
    expect(() => parseRollbackArgs(['--service', 'web', '--strategy', 'canary'], false)).toThrow(CliError);
    expect(() => parseRollbackArgs(['--service', 'web', '--strategy', 'canary'], false)).toThrow('--strategy takes gradual or instant, not "canary"');
  });
});
