// Several bot processes on one PostgreSQL database, behind one address: the emulated world of
// process-world.ts, with DATABASE_URL set, N replicas started from the production bundle, and a
// round-robin proxy (the Kubernetes Service) that Slack sends to. A store opened here reads what the
// replicas recorded, and tells which replica holds a run (the lease owner names its process id).
import { PostgresStore } from '../../src/adapters/postgres/postgres-store.js';
import { bundleBot, type BotBundle } from './bot-bundle.js';
import { startBotProcess, type BotProcess } from './bot-process.js';
import { createTestDatabase, type TestDatabase } from './postgres-database.js';
import { startProcessWorld, type ProcessWorld, type ProcessWorldOptions } from './process-world.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

export interface ReplicaWorld {
  readonly world: ProcessWorld;
  readonly proxy: RoundRobinProxy;
  readonly replicas: BotProcess[];
  /** Starts one more replica (a replacement for a killed one) and puts it in rotation. */
  addReplica(): Promise<BotProcess>;
  /** Reads what the replicas recorded, from the same database. */
  readonly store: PostgresStore;
  /** The replica whose process holds the run's lease, if a live one does. */
  holderOf(runId: string): Promise<BotProcess | undefined>;
  /** Takes a replica out of the proxy's rotation (it was killed). */
  remove(replica: BotProcess): void;
  /** An authenticated API call through the proxy, as CI would make it. */
  api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export interface ReplicaWorldOptions extends ProcessWorldOptions {
  leaseSeconds: number;
  /** A server URL whose user may CREATE DATABASE; default the test run's (outside vitest, e.g. the benchmark, pass one). */
  adminUrl?: string;
  /** A built bot to run (the benchmark's); default a bundle made here. */
  entry?: string;
}

export async function startReplicaWorld(count: number, options: ReplicaWorldOptions): Promise<ReplicaWorld> {
  const database: TestDatabase = await (options.adminUrl ? createTestDatabase(options.adminUrl) : createTestDatabase());
  const bundle: BotBundle = options.entry ? { entry: options.entry, dispose: () => undefined } : await bundleBot();
  const world = await startProcessWorld({
    ...options,
    env: { ...options.env, DATABASE_URL: database.url, RUN_LEASE_SECONDS: String(options.leaseSeconds) },
  });
  // Started together, as a rollout does: they race to migrate the empty database.
  const first = world.start({ entry: bundle.entry });
  const others = Array.from({ length: count - 1 }, () => startBotProcess({ entry: bundle.entry, env: world.env, nodeFlags: world.nodeFlags }));
  const replicas = await Promise.all([first, ...others]);
  const proxy = await startRoundRobinProxy(replicas.map((r) => r.url));
  world.slack.setAppUrl(proxy.url);
  const store = await PostgresStore.open(database.url, { max: 2 });
  const token = world.env['SMARTSPEC_API_TOKEN'];

  return {
    world,
    proxy,
    replicas,
    store,
    async addReplica() {
      const replica = await startBotProcess({ entry: bundle.entry, env: world.env, nodeFlags: world.nodeFlags });
      replicas.push(replica);
      proxy.backends.push(replica.url);
      return replica;
    },
    async holderOf(runId) {
      const lease = await store.runLease(runId);
      const pid = lease ? /-(\d+)-[0-9a-f]+$/.exec(lease.owner)?.[1] : undefined;
      return replicas.find((r) => String(r.pid) === pid);
    },
    remove(replica) {
      proxy.backends = proxy.backends.filter((url) => url !== replica.url);
    },
    async api(method, path, body) {
      const response = await fetch(`${proxy.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json };
    },
    async close() {
      // SIGKILL ends a replica a test left stopped (SIGSTOP) as well.
      await Promise.all(replicas.slice(1).map((r) => r.kill('SIGKILL')));
      await world.close();
      await proxy.close();
      await store.close();
      await database.drop();
      bundle.dispose();
    },
  };
}
