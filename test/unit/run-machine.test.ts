import { describe, expect, it } from 'vitest';
import { RUN_STATUSES, type RunStatus } from '../../src/core/model.js';
import { canTransition, isTerminal, legalSources } from '../../src/core/run-machine.js';

describe('run machine', () => {
  it.each([
    ['awaiting_approval', 'approved', true],
    ['approved', 'executing', true],
    ['executing', 'verifying', true],
    ['verifying', 'succeeded', true],
    ['executing', 'interrupted', true],
    ['executing', 'cancelled', true],
    ['awaiting_approval', 'cancelled', true],
    ['verifying', 'cancelled', false],
    ['awaiting_approval', 'executing', false],
    ['rejected', 'approved', false],
    ['succeeded', 'failed', false],
    ['blocked', 'approved', false],
    ['planned', 'executing', false],
  ] as const)('%s → %s is %s', (from, to, legal) => {
    expect(canTransition(from, to)).toBe(legal);
  });

  it('terminal statuses have no way out', () => {
    const terminal = RUN_STATUSES.filter(isTerminal);
    expect(terminal.sort()).toEqual(['blocked', 'cancelled', 'expired', 'failed', 'interrupted', 'rejected', 'succeeded']);
    for (const from of terminal) for (const to of RUN_STATUSES) expect(canTransition(from, to as RunStatus)).toBe(false);
  });

  it('a run may be cancelled until its steps are done, never once it is verifying', () => {
    expect(legalSources('cancelled')).toEqual(['planned', 'awaiting_approval', 'approved', 'executing']);
  });

  it('only an approval leads to execution', () => {
    expect(legalSources('executing')).toEqual(['approved']);
    expect(legalSources('approved')).toEqual(['planned', 'awaiting_approval']);
  });
});
