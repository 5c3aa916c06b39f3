import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../src/adapters/sqlite/canonical-json.js';
import { toIsoUtc } from '../../../../src/adapters/sqlite/iso-utc.js';

describe('canonicalJson', () => {
  it.each([
    ['key order at every depth', { b: 1, a: { d: [{ y: 1, x: 2 }], c: null } }, { a: { c: null, d: [{ x: 2, y: 1 }] }, b: 1 }],
    ['undefined members', { a: 1, b: undefined }, { a: 1 }],
  ])('ignores %s', (_, left, right) => {
    expect(canonicalJson(left)).toBe(canonicalJson(right));
  });

  it.each([
    ['array order', { a: [1, 2] }, { a: [2, 1] }],
    ['a missing key', { a: 1, b: 2 }, { a: 1 }],
    ['types', { a: 1 }, { a: '1' }],
  ])('keeps %s', (_, left, right) => {
    expect(canonicalJson(left)).not.toBe(canonicalJson(right));
  });

  it('sorts keys in one byte order, independent of locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4 })).toBe('{"B":2,"_":4,"a":3,"b":1}');
  });
});

describe('toIsoUtc', () => {
  it.each([
    ['2026-11-20T10:30:00Z', '2026-11-20T10:30:00.000Z'],
    ['2026-11-20T12:30:00+02:00', '2026-11-20T10:30:00.000Z'],
    ['2026-11-20T10:30:00.123456Z', '2026-11-20T10:30:00.123Z'],
  ])('normalises %s', (input, expected) => {
    expect(toIsoUtc(input, 'createdAt')).toBe(expected);
  });

  it('names what was wrong', () => {
    expect(() => toIsoUtc('soon', 'Deployment d-1 createdAt')).toThrow('Deployment d-1 createdAt is not a valid timestamp: "soon"');
  });
});
