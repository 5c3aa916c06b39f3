// IssueTracker on the GitHub REST API through fetch (a few calls do not need Octokit). Finding an
// issue lists the repository's issues by label rather than using search: the search index lags
// behind writes, so an issue created a moment ago by a previous attempt would be missed.
import { z } from 'zod';
import type { IssueTracker, NewIssue, TrackedIssue } from '../../core/follow-up/issue-tracker.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
const PER_PAGE = 100;
/** Enough for any run's lifetime of follow-ups; bounds a repository with thousands of labelled issues. */
const MAX_PAGES = 10;

export interface GitHubIssuesOptions {
  /** GITHUB_TOKEN: a fine-grained token with Issues read and write on the repositories. */
  token: string;
  /** GITHUB_API_URL; GitHub Enterprise Server is `https://<host>/api/v3`. */
  apiUrl?: string;
}

const issueSchema = z.looseObject({
  number: z.number().int(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  pull_request: z.unknown().optional(),
});

export class GitHubError extends Error {
  override readonly name = 'GitHubError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class GitHubIssues implements IssueTracker {
  private readonly apiUrl: string;

  constructor(private readonly options: GitHubIssuesOptions) {
    if (!options.token) throw new Error('GitHubIssues needs a token (GITHUB_TOKEN).');
    this.apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  }

  async findIssue(repo: string, label: string, marker: string, signal: AbortSignal): Promise<TrackedIssue | undefined> {
    let url: string | undefined =
      `${this.apiUrl}/repos/${repoPath(repo)}/issues?${new URLSearchParams({ state: 'all', labels: label, per_page: String(PER_PAGE) })}`;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const res = await this.call('GET', url, undefined, signal);
      const parsed = z.array(issueSchema).safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new GitHubError(`GitHub GET /repos/${repo}/issues returned an unexpected body.`);
      const hit = parsed.data.find((i) => i.pull_request === undefined && (i.body ?? '').includes(marker));
      if (hit) return { number: hit.number, url: hit.html_url };
      url = nextLink(res.headers.get('link'));
    }
    return undefined;
  }

  async createIssue(repo: string, issue: NewIssue, signal: AbortSignal): Promise<TrackedIssue> {
    const res = await this.call('POST', `${this.apiUrl}/repos/${repoPath(repo)}/issues`, issue, signal);
    const parsed = issueSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new GitHubError(`GitHub POST /repos/${repo}/issues returned an unexpected body.`);
    return { number: parsed.data.number, url: parsed.data.html_url };
  }

  private async call(method: 'GET' | 'POST', url: string, body: unknown, signal: AbortSignal): Promise<Response> {
    const path = new URL(url).pathname;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'smartspec-rollback',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
    } catch (error) {
      throw new GitHubError(`GitHub ${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (res.ok) return res;
    const detail = await res
      .json()
      .then((b: unknown) => describe(b))
      .catch(() => '');
    throw new GitHubError(`GitHub ${method} ${path} failed: HTTP ${res.status}${detail ? ` ${detail}` : ''}.${hint(res.status)}`, res.status);
  }
}

function repoPath(repo: string): string {
  const [owner, name] = repo.split('/');
  return `${encodeURIComponent(owner ?? '')}/${encodeURIComponent(name ?? '')}`;
}

/** RFC 8288 `Link: <…>; rel="next"`, as GitHub paginates. */
function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

function describe(body: unknown): string {
  const b = body as { message?: unknown; errors?: Array<{ field?: unknown; code?: unknown }> } | undefined;
  const message = typeof b?.message === 'string' ? b.message : '';
  const errors = Array.isArray(b?.errors) ? b.errors.map((e) => `${String(e.field)} ${String(e.code)}`).join(', ') : '';
  return [message, errors && `(${errors})`].filter(Boolean).join(' ');
}

function hint(status: number): string {
  if (status === 401) return ' Check GITHUB_TOKEN.';
  if (status === 403) return ' The token lacks Issues write on the repository, or the rate limit is reached.';
  if (status === 404) return ' The repository does not exist or the token cannot see it (catalog followUp.github.repo).';
  if (status === 410) return ' Issues are disabled on the repository.';
  return '';
}
