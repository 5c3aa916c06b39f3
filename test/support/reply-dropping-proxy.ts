// A TCP proxy in front of PostgreSQL that can lose a reply: once armed, the next time the server
// says it is ready for the next query (ReadyForQuery, sent after a statement outside BEGIN … COMMIT
// has committed), the proxy cuts that connection instead of passing the reply on. The client then
// sees its connection break mid-flight although the server did the work: the case a write must be
// able to recognise afterwards. Unarmed, bytes pass untouched in both directions.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ReplyDroppingProxy {
  /** `url` with its host and port replaced by the proxy's. */
  url: string;
  /** The next ReadyForQuery from the server, on any connection, ends that connection instead. */
  dropNextReply(): void;
  /** Resolves once an armed drop has happened (a positive signal for the test). */
  dropped(): Promise<void>;
  close(): Promise<void>;
}

const READY_FOR_QUERY = 0x5a; // 'Z'

export async function startReplyDroppingProxy(databaseUrl: string): Promise<ReplyDroppingProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let armed = false;
  let onDropped: (() => void) | undefined;
  let droppedOnce = new Promise<void>((resolve) => {
    onDropped = resolve;
  });

  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk) => upstream.write(chunk));
    // Server → client: walk the messages (type byte, then a length that counts itself) so a
    // ReadyForQuery is recognised wherever the chunks split them.
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      if (!armed) {
        client.write(chunk);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      let offset = 0;
      while (pending.length - offset >= 5) {
        const length = pending.readUInt32BE(offset + 1);
        if (pending.length - offset < 1 + length) break;
        if (pending[offset] === READY_FOR_QUERY) {
          armed = false;
          pending = Buffer.alloc(0);
          client.destroy();
          upstream.destroy();
          onDropped?.();
          return;
        }
        offset += 1 + length;
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    url: url.toString(),
    dropNextReply: () => {
      droppedOnce = new Promise<void>((resolve) => {
        onDropped = resolve;
      });
      armed = true;
    },
    dropped: () => droppedOnce,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
