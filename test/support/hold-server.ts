// An HTTP endpoint that never answers: a health check that is still waiting, so a test can catch
// the bot in the middle of verifying (and act at the moment the request arrives). `answerFromNow`
// makes later requests succeed, for a bot that verifies again after a restart.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldServer {
  url: string;
  onRequest(listener: (req: IncomingMessage) => void): void;
  /** Requests from now on are answered with this status (those already held stay held). */
  answerFromNow(status: number): void;
  close(): Promise<void>;
}

export async function startHoldServer(): Promise<HoldServer> {
  const listeners: Array<(req: IncomingMessage) => void> = [];
  let answer: number | undefined;
  const server = createServer((req, res) => {
    for (const listener of listeners) listener(req);
    if (answer !== undefined) res.writeHead(answer).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    onRequest: (listener) => listeners.push(listener),
    answerFromNow: (status) => {
      answer = status;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
