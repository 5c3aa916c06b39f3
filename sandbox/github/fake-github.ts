// An emulated GitHub REST API on 127.0.0.1, the part the bot uses for follow-up issues: create an
// issue, list a repository's issues (label filter, pagination with a Link header) and search issues.
// Auth, status codes and error bodies follow GitHub's: 401 "Bad credentials", 404 for a repository
// the token cannot see, 422 "Validation Failed" with `errors[]`, 415/400 for bodies that are not JSON.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGitHubIssue {
  id: number;
  number: number;
  owner: string;
  repo: string;
  title: string;
  body: string | null;
  labels: string[];
  state: 'open' | 'closed';
  createdAt: string;
  author: string;
}

export interface FakeGitHubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
  status?: number;
}

export interface FakeGitHub {
  readonly apiUrl: string;
  readonly issues: readonly FakeGitHubIssue[];
  readonly requests: readonly FakeGitHubRequest[];
  /** Makes `owner/repo` exist (only known repositories accept issues). */
  addRepo(fullName: string): void;
  /** Answers the next `times` requests with `status` (e.g. 502 from a proxy, 403 rate limited). */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

export interface StartFakeGitHubOptions {
  /** The one token accepted as `Authorization: Bearer …` or `token …`. */
  token: string;
  /** The login issues are created as. */
  login?: string;
  repos?: string[];
}

const DOCS = 'https://docs.github.com/rest';
const MAX_TITLE = 256;
const MAX_BODY = 65_536;

export async function startFakeGitHub(options: StartFakeGitHubOptions): Promise<FakeGitHub> {
  const repos = new Set(options.repos ?? []);
  const issues: FakeGitHubIssue[] = [];
  const requests: FakeGitHubRequest[] = [];
  const failures: number[] = [];
  let nextId = 1_000;
  const login = options.login ?? 'smartspec-bot';
  let baseUrl = '';

  const issueJson = (i: FakeGitHubIssue) => ({
    id: i.id,
    node_id: `I_kwFake${i.id}`,
    url: `${baseUrl}/repos/${i.owner}/${i.repo}/issues/${i.number}`,
    html_url: `https://github.example/${i.owner}/${i.repo}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    title: i.title,
    body: i.body,
    user: { login: i.author, type: 'Bot' },
    labels: i.labels.map((name, n) => ({ id: n + 1, name })),
    created_at: i.createdAt,
    updated_at: i.createdAt,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readText(req);
    const record: FakeGitHubRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body: text,
    };
    requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', ...headers });
      res.end(JSON.stringify(body));
    };
    const failure = failures.shift();
    if (failure !== undefined)
      return send(failure, { message: failure === 403 ? 'API rate limit exceeded' : 'Server Error', documentation_url: DOCS });
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${options.token}` && auth !== `token ${options.token}`) {
      return send(401, { message: auth ? 'Bad credentials' : 'Requires authentication', documentation_url: DOCS, status: '401' });
    }
    const repoPath = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(url.pathname);
    if (repoPath) {
      const [owner, repo] = [decodeURIComponent(repoPath[1]!), decodeURIComponent(repoPath[2]!)];
      if (!repos.has(`${owner}/${repo}`)) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      if (req.method === 'POST') return create(owner, repo, text, req.headers['content-type'], send);
      if (req.method === 'GET') return list(owner, repo, url.searchParams, send);
      return send(404, { message: 'Not Found', documentation_url: DOCS });
    }
    if (url.pathname === '/search/issues' && req.method === 'GET') return search(url.searchParams, send);
    return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  };

  type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

  function create(owner: string, repo: string, text: string, contentType: string | undefined, send: Send): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return send(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
    }
    if (contentType !== undefined && !contentType.includes('json')) return send(415, { message: 'Unsupported Media Type', documentation_url: DOCS });
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const errors: Array<Record<string, string>> = [];
    if (b['title'] === undefined) errors.push({ resource: 'Issue', code: 'missing_field', field: 'title' });
    else if (typeof b['title'] !== 'string' || b['title'].trim() === '' || b['title'].length > MAX_TITLE)
      errors.push({ resource: 'Issue', code: 'invalid', field: 'title' });
    if (b['body'] !== undefined && b['body'] !== null && (typeof b['body'] !== 'string' || b['body'].length > MAX_BODY))
      errors.push({ resource: 'Issue', code: 'invalid', field: 'body' });
    const labels = b['labels'];
    if (labels !== undefined && (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string' && l.length > 0 && l.length <= 50)))
      errors.push({ resource: 'Label', code: 'invalid', field: 'labels' });
    const unknown = Object.keys(b).filter((k) => !['title', 'body', 'labels', 'assignees', 'milestone', 'type'].includes(k));
    if (errors.length > 0 || unknown.length > 0) {
      return send(422, {
        message: 'Validation Failed',
        errors: errors.length > 0 ? errors : unknown.map((field) => ({ resource: 'Issue', code: 'invalid', field })),
        documentation_url: DOCS,
        status: '422',
      });
    }
    const number = issues.filter((i) => i.owner === owner && i.repo === repo).length + 1;
    const issue: FakeGitHubIssue = {
      id: nextId++,
      number,
      owner,
      repo,
      title: b['title'] as string,
      body: (b['body'] as string | undefined) ?? null,
      labels: (labels as string[] | undefined) ?? [],
      state: 'open',
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      author: login,
    };
    issues.push(issue);
    send(201, issueJson(issue), { location: `${baseUrl}/repos/${owner}/${repo}/issues/${number}` });
  }

  function list(owner: string, repo: string, query: URLSearchParams, send: Send): void {
    const state = query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state))
      return send(422, { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'invalid', field: 'state' }], documentation_url: DOCS });
    const wanted = (query.get('labels') ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean);
    const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 30) || 30, 1), 100);
    const page = Math.max(Number(query.get('page') ?? 1) || 1, 1);
    const matching = issues
      .filter((i) => i.owner === owner && i.repo === repo && (state === 'all' || i.state === state) && wanted.every((l) => i.labels.includes(l)))
      .sort((a, b) => b.number - a.number);
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(matching.length / perPage));
    const link =
      page < last
        ? {
            link: `<${baseUrl}/repos/${owner}/${repo}/issues?${new URLSearchParams({ ...Object.fromEntries(query), page: String(page + 1) })}>; rel="next", <${baseUrl}/repos/${owner}/${repo}/issues?${new URLSearchParams({ ...Object.fromEntries(query), page: String(last) })}>; rel="last"`,
          }
        : undefined;
    send(200, slice.map(issueJson), link);
  }

  /** `repo:o/r`, `label:x`, `is:issue`, `in:body`, and "quoted" or bare words matched in title or body. */
  function search(query: URLSearchParams, send: Send): void {
    const q = query.get('q');
    if (!q)
      return send(422, { message: 'Validation Failed', errors: [{ resource: 'Search', field: 'q', code: 'missing' }], documentation_url: DOCS });
    const terms = [...q.matchAll(/(\w+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)];
    const found = issues.filter((i) =>
      terms.every((t) => {
        const [, key, value, quoted, bare] = t;
        if (key === 'repo') return `${i.owner}/${i.repo}` === value;
        if (key === 'label') return i.labels.includes(value!.replace(/"/g, ''));
        if (key === 'is') return value === 'issue' || value === i.state;
        if (key === 'in') return true;
        const word = (quoted ?? bare ?? `${key}:${value}`).toLowerCase();
        return `${i.title}\n${i.body ?? ''}`.toLowerCase().includes(word);
      }),
    );
    send(200, { total_count: found.length, incomplete_results: false, items: found.map(issueJson) });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: baseUrl,
    issues,
    requests,
    addRepo: (fullName) => {
      repos.add(fullName);
    },
    failNext: (status, times = 1) => {
      for (let n = 0; n < times; n++) failures.push(status);
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
