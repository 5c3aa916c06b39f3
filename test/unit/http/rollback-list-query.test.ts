// The audit export's query string: every bad input is a 400 naming the parameter.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapters/http/http-kit.js';
import { DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, parseListQuery } from '../../../src/adapters/http/rollback-list-query.js';

const parse = (query: string) => parseListQuery(new URLSearchParams(query));

function refusal(query: string): HttpError {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('parseListQuery', () => {
  it('defaults to the newest page of everything', () => {
    expect(parse('')).toEqual({ limit: DEFAULT_PAGE_SIZE });
  });

  it('reads every parameter, normalising the time to UTC and the statuses to a set', () => {
    const cursor = encodeCursor({ createdAt: '2026-11-20T10:00:00.000Z', id: 'rb-abc' });
    expect(parse(`service=checkout&status=failed,cancelled&status=failed&since=2026-11-20T11:00:00%2B01:00&limit=10&cursor=${cursor}`)).toEqual({
      service: 'checkout',
      statuses: ['failed', 'cancelled'],
      since: '2026-11-20T10:00:00.000Z',
      limit: 10,
      after: { createdAt: '2026-11-20T10:00:00.000Z', id: 'rb-abc' },
    });
  });

  it.each([
    ['an unknown status', 'status=done', 'status'],
    ['an empty status', 'status=,', 'status'],
    ['a time without a zone', 'since=2026-11-20T10:00:00', 'since'],
    ['a date that is no time', 'since=yesterday', 'since'],
    ['a limit of 0', 'limit=0', 'limit'],
    ['a limit above the maximum', `limit=${MAX_PAGE_SIZE + 1}`, 'limit'],
    ['a limit that is no number', 'limit=ten', 'limit'],
    ['a fractional limit', 'limit=1.5', 'limit'],
    ['a service with a space', 'service=check%20out', 'service'],
    ['a cursor we did not give out', 'cursor=abc', 'cursor'],
    [
      'a forged cursor with a bad id',
      `cursor=${Buffer.from(JSON.stringify({ c: '2026-11-20T10:00:00.000Z', i: 'x y' })).toString('base64url')}`,
      'cursor',
    ],
    ['a repeated service', 'service=a&service=b', 'service'],
  ])('refuses %s with a 400 naming the parameter', (_name, query, path) => {
    const error = refusal(query);
    expect(error.status).toBe(400);
    expect(error.issues?.map((i) => i.path)).toContain(path);
    expect(error.message).toContain(path);
  });

  it('refuses an unknown parameter and lists the known ones', () => {
    const error = refusal('servise=checkout');
    expect(error.status).toBe(400);
    expect(error.issues?.[0]?.message).toMatch(/servise.*known: service, status, since, limit, cursor/);
  });

  it('reads a date alone as its midnight UTC', () => {
    expect(parse('since=2026-11-01').since).toBe('2026-11-01T00:00:00.000Z');
    expect(refusal('since=2026-11-31').issues?.[0]?.message).toMatch(/or a date such as 2026-11-20/);
  });

  it('round-trips its own cursor', () => {
    const cursor = encodeCursor({ createdAt: '2026-11-20T10:00:00.000Z', id: 'rb-z9' });
    expect(parse(`cursor=${cursor}`).after).toEqual({ createdAt: '2026-11-20T10:00:00.000Z', id: 'rb-z9' });
  });
});
