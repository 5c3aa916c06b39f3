// One Slack API address for a bot process in Socket Mode. Real Slack serves the Web API and
// `apps.connections.open` at the same https://slack.com/api/, and the bot configured from its
// environment has one SLACK_API_URL for both; here they are two emulators, so this front sends
// `apps.connections.open` to the fake Socket Mode endpoint and everything else to the fake Web API.
// (The WebSocket itself goes straight to the URL `apps.connections.open` hands out.)
import { createServer, request, type Server } from 'node:http';

export interface SlackApiFront {
  /** What the bot gets as SLACK_API_URL: `http://127.0.0.1:<port>/api/`. */
  apiUrl: string;
  close(): Promise<void>;
}

export async function startSlackApiFront(webApiUrl: string, socketModeApiUrl: string): Promise<SlackApiFront> {
  const server: Server = createServer((req, res) => {
    const method = (req.url ?? '/').replace(/^\/api\//, '').split('?')[0];
    const base = method === 'apps.connections.open' ? socketModeApiUrl : webApiUrl;
    const target = new URL((req.url ?? '/').replace(/^\/api\//, ''), base);
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the Slack API front has no port');
  return {
    apiUrl: `http://127.0.0.1:${address.port}/api/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
