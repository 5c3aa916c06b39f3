// A Prometheus that answers /api/v1/query with what a test sets: a sequence of values per query (one
// per call), or labelled series that exist from a given time on (so an evaluation `time` before it
// finds no data, as on a real server that had not scraped them yet). Held to Debian's prometheus by
// test/integration/prometheus-contract.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admitted, type RequiredAuth } from '../peer-auth/required-auth.js';

export interface FakeSeries {
  labels: Record<string, string>;
  value: number;
}

export interface FakePrometheus {
  url: string;
  /** Values returned for `query`, one per call; the last repeats. `[]` means the query has no data. */
  set(query: string, values: number[]): void;
  /** Series returned for `query` at evaluation times from `since` on (default: always). */
  setSeries(query: string, series: FakeSeries[], options?: { since?: Date }): void;
  queries: string[];
  close(): Promise<void>;
}

export interface StartFakePrometheusOptions {
  /** Refuse requests without these credentials (401), like a Prometheus behind basic auth or a token proxy. */
  requireAuth?: RequiredAuth;
}

export async function startFakePrometheus(options: StartFakePrometheusOptions = {}): Promise<FakePrometheus> {
  const sequences = new Map<string, number[]>();
  const labelled = new Map<string, { series: FakeSeries[]; since: number }>();
  const calls = new Map<string, number>();
  const queries: string[] = [];
  const server: Server = createServer((req, res) => {
    if (!admitted(options.requireAuth, req, res)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = url.searchParams.get('query') ?? '';
    const timeParam = url.searchParams.get('time');
    res.setHeader('content-type', 'application/json');
    const refuse = (error: string) => res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error }));
    if (url.pathname !== '/api/v1/query') {
      res.writeHead(404).end('404 page not found\n');
      return;
    }
    if (!query) return refuse('1:1: parse error: no expression found in input');
    const syntax = unbalanced(query);
    if (syntax) return refuse(`1:${syntax.at + 1}: parse error: ${syntax.message}`);
    const time = timeParam === null ? Date.now() / 1000 : Number(timeParam);
    if (!Number.isFinite(time)) return refuse(`invalid parameter "time": cannot parse "${timeParam}" to a valid timestamp`);
    queries.push(query);
    const sample = (value: number) => [time, formatSample(value)];
    const set = labelled.get(query);
    let result: unknown[];
    if (set) {
      result = time * 1000 >= set.since ? set.series.map((s) => ({ metric: s.labels, value: sample(s.value) })) : [];
    } else {
      const values = sequences.get(query) ?? [];
      const n = calls.get(query) ?? 0;
      calls.set(query, n + 1);
      const value = values[Math.min(n, values.length - 1)];
      result = value === undefined ? [] : [{ metric: { __name__: 'x' }, value: sample(value) }];
    }
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (query, values) => {
      sequences.set(query, values);
      calls.set(query, 0);
    },
    setSeries: (query, series, options = {}) => {
      labelled.set(query, { series, since: options.since?.getTime() ?? 0 });
    },
    queries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Prometheus' JSON spelling of a sample value. */
function formatSample(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Not a PromQL parser: it finds the unbalanced brackets and quotes real Prometheus refuses too. */
function unbalanced(query: string): { at: number; message: string } | undefined {
  const closing: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: Array<{ char: string; at: number }> = [];
  for (let i = 0; i < query.length; i++) {
    const char = query[i]!;
    if (char === '"' || char === "'") {
      const end = query.indexOf(char, i + 1);
      if (end < 0) return { at: i, message: 'unterminated quoted string' };
      i = end;
    } else if (closing[char]) {
      stack.push({ char, at: i });
    } else if (char === ')' || char === '}' || char === ']') {
      const open = stack.pop();
      if (!open || closing[open.char] !== char) return { at: i, message: `unexpected "${char}"` };
    }
  }
  const open = stack.pop();
  return open ? { at: query.length, message: `unclosed "${open.char}"` } : undefined;
}
