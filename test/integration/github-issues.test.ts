// GitHubIssues (fetch) against the GitHub REST emulator: the calls GitHub would accept, GitHub's
// refusals turned into errors that say what to fix, and finding an issue by marker across pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubError, GitHubIssues } from '../../src/adapters/github/github-issues.js';
import { startFakeGitHub, type FakeGitHub } from '../../sandbox/github/fake-github.js';

const TOKEN = 'ghp_fakeTokenForTests0123456789';
let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN, repos: ['shop/checkout'] });
});
afterEach(() => gh.close());

const signal = () => AbortSignal.timeout(5_000);
const client = (token = TOKEN) => new GitHubIssues({ token, apiUrl: gh.apiUrl });

async function failure(promise: Promise<unknown>): Promise<GitHubError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GitHubError) return error;
    throw error;
  }
  throw new Error('expected a GitHubError');
}

describe('GitHubIssues', () => {
  it('creates an issue with the API version and a bearer token, and finds it by its marker', async () => {
    const created = await client().createIssue(
      'shop/checkout',
      { title: 'Follow up', body: 'report\n<!-- run rb-1 -->', labels: ['smartspec-rollback'] },
      signal(),
    );
    expect(created).toEqual({ number: 1, url: 'https://github.example/shop/checkout/issues/1' });
    const post = gh.requests.find((r) => r.method === 'POST')!;
    expect(post.authorization).toBe(`Bearer ${TOKEN}`);
    expect(await client().findIssue('shop/checkout', 'smartspec-rollback', '<!-- run rb-1 -->', signal())).toEqual(created);
    expect(await client().findIssue('shop/checkout', 'smartspec-rollback', '<!-- run rb-2 -->', signal())).toBeUndefined();
  });

  it('follows the Link header to find an issue past the first page, using the list (not the lagging search index)', async () => {
    for (let n = 0; n < 150; n++)
      await client().createIssue('shop/checkout', { title: `issue ${n}`, body: `<!-- run rb-${n} -->`, labels: ['smartspec-rollback'] }, signal());
    expect(await client().findIssue('shop/checkout', 'smartspec-rollback', '<!-- run rb-3 -->', signal())).toMatchObject({ number: 4 });
    const lists = gh.requests.filter((r) => r.method === 'GET');
    expect(lists.map((r) => r.query['page'] ?? '1')).toEqual(['1', '2']);
    expect(lists[0]?.query).toMatchObject({ state: 'all', labels: 'smartspec-rollback', per_page: '100' });
  });

  it.each([
    [
      'a wrong token',
      () => client('ghp_wrong').createIssue('shop/checkout', { title: 't', body: 'b', labels: [] }, signal()),
      401,
      /Bad credentials.*Check GITHUB_TOKEN/,
    ],
    [
      'an unknown repository',
      () => client().createIssue('shop/nope', { title: 't', body: 'b', labels: [] }, signal()),
      404,
      /Not Found.*followUp\.github\.repo/,
    ],
    [
      'an empty title',
      () => client().createIssue('shop/checkout', { title: ' ', body: 'b', labels: [] }, signal()),
      422,
      /Validation Failed \(title invalid\)/,
    ],
  ])('turns %s into an error naming what to fix', async (_name, call, status, message) => {
    const error = await failure(call());
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(TOKEN);
  });

  it('the emulator refuses what GitHub refuses: no token, a body that is not JSON, unknown fields', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${gh.apiUrl}/repos/shop/checkout/issues`, { method: 'POST', body, headers });
    expect((await post('{}', {})).status).toBe(401);
    expect((await post('{nope', { authorization: `Bearer ${TOKEN}` })).status).toBe(400);
    const missing = await post('{}', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ message: 'Validation Failed', errors: [{ code: 'missing_field', field: 'title' }] });
    expect((await post('{"title":"t","colour":"red"}', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' })).status).toBe(422);
    expect(gh.issues).toHaveLength(0);
  });

  it('the emulator searches issues by repository, label and text', async () => {
    await client().createIssue('shop/checkout', { title: 'Follow up', body: 'marker-abc', labels: ['smartspec-rollback'] }, signal());
    const q = new URLSearchParams({ q: 'repo:shop/checkout label:smartspec-rollback in:body "marker-abc"' });
    const res = await fetch(`${gh.apiUrl}/search/issues?${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await res.json()).toMatchObject({ total_count: 1, items: [{ number: 1 }] });
  });
});
