import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { selectLastKnownGood } from '../../src/core/target.js';
import { makeDeployment } from '../support/builders.js';

const failed = makeDeployment({ id: 'd5', version: 'v5', status: 'failed', createdAt: '2026-11-20T10:50:00.000Z' });
const d4 = makeDeployment({ id: 'd4', version: 'v4', createdAt: '2026-11-20T10:40:00.000Z', verification: { smoke: false } });
const d3 = makeDeployment({ id: 'd3', version: 'v3', createdAt: '2026-11-20T10:30:00.000Z', status: 'rolled_back' });
const d2 = makeDeployment({ id: 'd2', version: 'v2', createdAt: '2026-11-20T10:20:00.000Z' });
const d1 = makeDeployment({ id: 'd1', version: 'v1', createdAt: '2026-11-20T10:10:00.000Z' });
const later = makeDeployment({ id: 'd6', version: 'v6', createdAt: '2026-11-20T11:00:00.000Z' });
const history = [later, failed, d4, d3, d2, d1];

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('selectLastKnownGood', () => {
  it('skips failed verification, rolled-back and later deployments', () => {
    expect(selectLastKnownGood(failed, history).id).toBe('d2');
  });

  it('honours an explicit target version that is fit', () => {
    expect(selectLastKnownGood(failed, history, 'v1').id).toBe('d1');
  });

  it.each([
    ['v5', /is the failed version itself/],
    ['v9', /is not in the history of checkout/],
    ['v6', /is not in the history/],
    ['v4', /recorded smoke verification failed/],
    ['v3', /was itself rolled back/],
  ])('refuses target %s and lists candidates', (version, message) => {
    const error = errorOf(() => selectLastKnownGood(failed, history, version));
    expect(error.message).toMatch(message);
    expect(error.message).toContain('`v2` (d2');
  });

  it('says plainly when there is nothing to roll back to', () => {
    expect(errorOf(() => selectLastKnownGood(failed, [failed, d4])).message).toMatch(/No known good version/);
  });

  it('ignores other environments and services', () => {
    const staging = makeDeployment({ id: 's1', version: 'v0', environment: 'staging', createdAt: '2026-11-20T10:45:00.000Z' });
    const other = makeDeployment({ id: 'o1', version: 'v0', service: 'search', createdAt: '2026-11-20T10:46:00.000Z' });
    expect(selectLastKnownGood(failed, [staging, other, ...history]).id).toBe('d2');
  });
});
