// A Prometheus that answers /api/v1/query with the values a test sets, one per call in order.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePrometheus {
  url: string;
  /** Values returned for `query`, one per call; the last repeats. `[]` means the query has no data. */
  set(query: string, values: number[]): void;
  queries: string[];
  close(): Promise<void>;
}

export async function startFakePrometheus(): Promise<FakePrometheus> {
  const series = new Map<string, number[]>();
  const calls = new Map<string, number>();
  const queries: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = url.searchParams.get('query') ?? '';
    res.setHeader('content-type', 'application/json');
    if (url.pathname !== '/api/v1/query' || !query) {
      res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'query is required' }));
      return;
    }
    queries.push(query);
    const values = series.get(query) ?? [];
    const n = calls.get(query) ?? 0;
    calls.set(query, n + 1);
    const value = values[Math.min(n, values.length - 1)];
    const result = value === undefined ? [] : [{ metric: { __name__: 'x' }, value: [Date.now() / 1000, String(value)] }];
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (query, values) => { series.set(query, values); calls.set(query, 0); },
    queries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
