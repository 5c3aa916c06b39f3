import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A list: each entry starts something the whole run shares (PostgreSQL for the store contract).
    globalSetup: ['test/support/postgres-global-setup.ts'],
    // Two cores here: forks keep native better-sqlite3 handles and sockets isolated per file.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
