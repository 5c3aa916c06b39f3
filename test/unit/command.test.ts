import { describe, expect, it } from 'vitest';
import { parseCommand, tokenize } from '../../src/core/command.js';
import { UserError } from '../../src/core/errors.js';

describe('parseCommand', () => {
  it.each([
    ['--failed-deployment-id deploy-12345', { kind: 'rollback', failedDeploymentId: 'deploy-12345', dryRun: false, autoApprove: false }],
    ['--failed-deployment-id=deploy-12345 --dry-run', { kind: 'rollback', failedDeploymentId: 'deploy-12345', dryRun: true, autoApprove: false }],
    [
      '--failed-deployment-id d1 --target-version v1.2.0',
      { kind: 'rollback', failedDeploymentId: 'd1', targetVersion: 'v1.2.0', dryRun: false, autoApprove: false },
    ],
    [
      '--failed-deployment-id d1 --reason "p99 > 200ms"',
      { kind: 'rollback', failedDeploymentId: 'd1', reason: 'p99 > 200ms', dryRun: false, autoApprove: false },
    ],
    [
      '--failed-deployment-id d1 --reason “curly quotes work”',
      { kind: 'rollback', failedDeploymentId: 'd1', reason: 'curly quotes work', dryRun: false, autoApprove: false },
    ],
    ['--failed-deployment-id checkout@r7 --auto-approve', { kind: 'rollback', failedDeploymentId: 'checkout@r7', dryRun: false, autoApprove: true }],
    [
      '--failed-deployment-id d1 --force --reason "auto-sync suspended"',
      { kind: 'rollback', failedDeploymentId: 'd1', force: true, reason: 'auto-sync suspended', dryRun: false, autoApprove: false },
    ],
    ['  --failed-deployment-id   d1  ', { kind: 'rollback', failedDeploymentId: 'd1', dryRun: false, autoApprove: false }],
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['status rb-abc', { kind: 'status', runId: 'rb-abc' }],
    ['history checkout', { kind: 'history', service: 'checkout' }],
    ['checkout', { kind: 'rollback', service: 'checkout', dryRun: false, autoApprove: false }],
    ['checkout --environment staging --dry-run', { kind: 'rollback', service: 'checkout', environment: 'staging', dryRun: true, autoApprove: false }],
    [
      '--failed-deployment-id d1 --incident Q1ABC',
      { kind: 'rollback', failedDeploymentId: 'd1', incident: 'Q1ABC', dryRun: false, autoApprove: false },
    ],
  ])('parses %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['--target-version v1', /--failed-deployment-id` is required/],
    ['--failed-deployment-id', /needs a value/],
    ['--failed-deployment-id --dry-run', /needs a value/],
    ['--failed-deployment-id=', /needs a value/],
    ['--failed-deployment-id d1 --bogus', /Unknown flag `--bogus`/],
    ['--failed-deployment-id d1 --failed-deployment-id d2', /given twice/],
    ['--failed-deployment-id d1 --dry-run --dry-run', /given twice/],
    ['--failed-deployment-id d1 --dry-run=yes', /takes no value/],
    ['--failed-deployment-id d1 --force=yes', /takes no value/],
    ['--failed-deployment-id d1 --force --force', /given twice/],
    ['--failed-deployment-id "d1; rm -rf /"', /is not valid/],
    ['--failed-deployment-id d1 --target-version "v1 2"', /is not valid/],
    ['--failed-deployment-id ' + 'x'.repeat(129), /is not valid/],
    ['--failed-deployment-id d1 stray', /Unexpected argument `stray`/],
    ['--failed-deployment-id d1 --reason "unclosed', /not closed/],
    ['rollback now', /Unexpected argument `now`/],
    ['<script> --dry-run', /Unknown subcommand `<script>`/],
    ['checkout --failed-deployment-id d1', /either a service \(`checkout`\) or `--failed-deployment-id`/],
    ['checkout --incident "P 1"', /is not valid/],
    ['help me', /takes no arguments/],
    ['status a b', /at most one run id/],
    ['history', /exactly one service/],
    ['history <script>', /is not valid/],
    ['--failed-deployment-id d1 --reason ' + 'r'.repeat(501), /longer than 500/],
  ])('rejects %j with a usage error', (text, message) => {
    let caught: unknown;
    try {
      parseCommand(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).message).toMatch(message);
    expect((caught as UserError).hint).toContain('/smartspec_rollback --failed-deployment-id');
  });

  it('turns each of 10,000 random texts into a request or a user-facing usage error', () => {
    const alphabet = [
      '--',
      '-',
      '=',
      '"',
      '“',
      '”',
      "'",
      ' ',
      'failed-deployment-id',
      'dry-run',
      'target-version',
      'reason',
      'x',
      '1',
      '@',
      '\n',
      'status',
      'history',
      'help',
      '`',
      '<',
      '>',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 10_000; i++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      try {
        const result = parseCommand(text);
        expect(['rollback', 'help', 'status', 'history']).toContain(result.kind);
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
      }
    }
  });
});

describe('tokenize', () => {
  it('keeps quoted runs together and accepts Slack’s curly quotes', () => {
    expect(tokenize(`a "b c" ‘d e’ “f g”`)).toEqual(['a', 'b c', 'd e', 'f g']);
  });
  it('keeps an empty quoted value as a word', () => {
    expect(tokenize('--reason ""')).toEqual(['--reason', '']);
  });
});
