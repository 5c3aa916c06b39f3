// Which store the bot runs on: PostgreSQL when DATABASE_URL is set (several replicas may share it),
// otherwise the SQLite file at DATABASE_PATH (one replica).
import type { Store } from '../core/ports.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** A Store the readiness probe can ask for its schema version. */
export type OpenedStore = Store & { schemaVersion(): Promise<number> };

export interface StoreLocation {
  /** `postgres://…` or `postgresql://…`: wins over databasePath. */
  databaseUrl?: string | undefined;
  databasePath: string;
}

export interface OpenStoreOptions {
  /** An idle PostgreSQL connection broke (server restart): worth a log line, not a crash. */
  onConnectionError?: (error: Error) => void;
}

export async function openStore(location: StoreLocation, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (location.databaseUrl) {
    return PostgresStore.open(location.databaseUrl, options.onConnectionError ? { onIdleError: options.onConnectionError } : {});
  }
  return SqliteStore.open(location.databasePath);
}

export function storeKind(location: StoreLocation): 'postgresql' | 'sqlite' {
  return location.databaseUrl ? 'postgresql' : 'sqlite';
}
