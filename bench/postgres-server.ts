// The PostgreSQL server the benchmark's PostgreSQL figures run on: TEST_DATABASE_URL when set (a real
// server someone runs), otherwise the embedded binaries the tests use, started for the benchmark.
import { startEmbeddedPostgres } from '../test/support/postgres-server.js';

export interface BenchPostgres {
  adminUrl: string;
  /** Where the figures were measured, for the table's notes. */
  label: string;
  stop(): Promise<void>;
}

export async function benchPostgres(): Promise<BenchPostgres> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given) return { adminUrl: given, label: 'PostgreSQL at TEST_DATABASE_URL', stop: async () => undefined };
  const server = await startEmbeddedPostgres();
  return { adminUrl: server.url, label: 'embedded PostgreSQL 18 on loopback, fsync off', stop: () => server.stop() };
}
