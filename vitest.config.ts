import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A list: each entry starts something the whole run shares (PostgreSQL for the store contract).
    // The exit-code guard and the process-leak check stay first: teardowns run in reverse order, so
    // the leak check runs last, after the others have stopped what they started.
    globalSetup: ['test/support/exit-code-guard.ts', 'test/support/process-leak-check.ts', 'test/support/postgres-global-setup.ts'],
    // Two cores here: forks keep native better-sqlite3 handles and sockets isolated per file.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
