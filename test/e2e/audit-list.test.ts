// GET /api/v1/rollbacks over real HTTP: the audit export of runs made by real requests, newest first,
// a page at a time, filtered, behind the token, in plain text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/core/model.js';
import { recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { at, makeEvent, makeRun } from '../support/builders.js';

let h: Harness;
const made: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  await recordStandardHistory(h);
  // Runs of another service from last month, as an older database would hold them.
  for (const [id, minutes, status] of [
    ['rb-old1', 1, 'succeeded'],
    ['rb-old2', 2, 'cancelled'],
  ] as Array<[string, number, RunStatus]>) {
    await h.bot.store.createRun(
      makeRun({ id, status, createdAt: at(minutes), updatedAt: at(minutes), plan: { service: 'payments' } }),
      makeEvent({ runId: id, at: at(minutes) }),
    );
  }
  // Real requests through the API: three dry runs, then a plan that waits for approval in Slack.
  for (const dryRun of [true, true, true, false]) {
    const created = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12345', dryRun, reason: 'audit export test' });
    expect(created.status).toBe(201);
    made.push(created.json.id);
  }
}, 60_000);
afterAll(async () => {
  await h.close();
});

const ids = (body: { runs: Array<{ id: string }> }) => body.runs.map((r) => r.id);

describe('GET /api/v1/rollbacks', () => {
  it('needs the bearer token', async () => {
    expect((await h.api('GET', '/api/v1/rollbacks', undefined, null)).status).toBe(401);
    expect((await h.api('GET', '/api/v1/rollbacks', undefined, 'wrong-token-wrong-token-123')).status).toBe(401);
  });

  it('lists every run newest first, each with its plan, steps and timeline', async () => {
    const all = await h.api('GET', '/api/v1/rollbacks');
    expect(all.status).toBe(200);
    expect(ids(all.json)).toEqual([...made].reverse().concat(['rb-old2', 'rb-old1']));
    expect(all.json.nextCursor).toBeNull();
    const newest = all.json.runs[0];
    expect(newest).toMatchObject({
      id: made[3],
      status: 'awaiting_approval',
      service: 'checkout',
      fromVersion: 'v1.2.1',
      toVersion: 'v1.2.0',
      reason: 'audit export test',
    });
    expect(newest.timeline.map((e: { type: string }) => e.type)).toContain('requested');
  });

  it('pages with the cursor: every run once, in order, and a null cursor on the last page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; json: { runs: Array<{ id: string }>; nextCursor: string | null } } = await h.api(
        'GET',
        `/api/v1/rollbacks?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.json.runs.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.json));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse().concat(['rb-old2', 'rb-old1']));
  });

  it.each([
    ['service', 'service=payments', ['rb-old2', 'rb-old1']],
    ['status', 'status=planned', () => made.slice(0, 3).reverse()],
    ['several statuses', 'status=awaiting_approval,succeeded', () => [made[3]!, 'rb-old1']],
    ['since', () => `since=${encodeURIComponent(at(1.5))}&service=payments`, ['rb-old2']],
  ])('filters by %s', async (_name, query, expected) => {
    const q = typeof query === 'function' ? query() : query;
    const answer = await h.api('GET', `/api/v1/rollbacks?${q}`);
    expect(answer.status).toBe(200);
    expect(ids(answer.json)).toEqual(typeof expected === 'function' ? expected() : expected);
  });

  it.each([
    ['status=finished', 'status'],
    ['limit=0', 'limit'],
    ['since=last-week', 'since'],
    ['cursor=not-ours', 'cursor'],
    ['sevice=checkout', ''],
  ])('answers 400 {error, issues} for %s', async (query, path) => {
    const answer = await h.api('GET', `/api/v1/rollbacks?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toEqual(expect.any(String));
    expect(answer.json.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(answer.json.issues.every((i: { message: unknown }) => typeof i.message === 'string')).toBe(true);
  });

  it('renders the audit timeline without Slack syntax', async () => {
    const all = await h.api('GET', '/api/v1/rollbacks');
    const details = all.json.runs.flatMap((r: { timeline: Array<{ detail: string }> }) => r.timeline.map((e) => e.detail)).join('\n');
    expect(details).toContain('via the API');
    expect(details).not.toMatch(/<[@#!]|:[a-z_]+:(\s|$)/);
  });
});
