// A stand-in for the Kubernetes Service in front of several replicas: each request goes to the next
// backend in turn; a backend that refuses the connection (killed) is skipped, as a Service skips an
// endpoint once it is removed. Request bodies and headers pass untouched, so Slack signatures verify.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RoundRobinProxy {
  url: string;
  /** Backend base URLs in rotation; replace to add or remove replicas. */
  backends: string[];
  /** How many requests each backend answered, by base URL. */
  readonly answered: Map<string, number>;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const answered = new Map<string, number>();
  const proxy: Partial<RoundRobinProxy> & { backends: string[]; answered: Map<string, number> } = { backends: [...backends], answered };

  const forward = (body: Buffer, req: IncomingMessage, res: ServerResponse, tries: number) => {
    const live = proxy.backends;
    if (tries >= live.length || live.length === 0) {
      res.writeHead(502).end('no backend answered');
      return;
    }
    const backend = live[next++ % live.length]!;
    const target = new URL(req.url ?? '/', backend);
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      answered.set(backend, (answered.get(backend) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    // Refused before anything was sent to it: the next backend gets the request, once per backend.
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent && error.code === 'ECONNREFUSED') forward(body, req, res, tries + 1);
      else res.destroy(error);
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(Buffer.concat(chunks), req, res, 0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no port');
  proxy.url = `http://127.0.0.1:${address.port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy as RoundRobinProxy;
}
