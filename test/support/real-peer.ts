// Starts a real server binary (Debian's prometheus, prometheus-alertmanager) for a contract test:
// 127.0.0.1 on a free port, a temporary directory for its files, ready when its readiness URL says
// so, and stopped (process group and directory) by stop().
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export interface RealPeer {
  url: string;
  dir: string;
  /** What the process wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface RealPeerOptions {
  binary: string;
  /** Files written into the temporary directory before start, by name. */
  files?: Record<string, string>;
  /** The arguments, given the temporary directory and the port to listen on. */
  args(dir: string, port: number): string[];
  /** Path that answers 200 once the server is ready, e.g. /-/ready. */
  readyPath: string;
  /** Headers for the readiness request, e.g. the Authorization of a peer started behind basic auth. */
  readyHeaders?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** A port nobody listens on right now (the kernel's pick for port 0, released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startRealPeer(options: RealPeerOptions): Promise<RealPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'smartspec-peer-'));
  for (const [name, text] of Object.entries(options.files ?? {})) await writeFile(join(dir, name), text);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ResultPromise = execa(options.binary, options.args(dir, port), {
    cwd: dir,
    reject: false,
    all: true,
    detached: true,
    stdin: 'ignore',
  });
  child.all?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5_000);
      await child;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${options.binary} exited before it was ready:\n${output}`);
    }
    const ready = await fetch(`${url}${options.readyPath}`, { headers: options.readyHeaders ?? {}, signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.binary} was not ready at ${url}${options.readyPath} within the deadline:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, dir, output: () => output, stop };
}
