// The better-sqlite3 this Node can run safely.
//
// 12.x builds on node::ObjectWrap, whose destructor on Node 24 calls RemoveEnvironmentCleanupHook:
// a Statement collected during the final teardown GC, or while no context is entered, finds no
// Environment and Node aborts the process (SIGABRT, exit 134, "Assertion failed: (env) != nullptr").
// A bot that dumps core on every SIGTERM, or mid-rollback, is exactly what this tool must not be.
// 13.x moved to node-addon-api, which has no such hook, and ships prebuilt binaries — but it needs
// Node-API 10 (Node 22.14 and later). Older Node (20, still used to develop and test here) gets 12.x,
// installed as the optional `better-sqlite3-node20` alias; on Node 20 ObjectWrap has no such hook.
// Both expose the same API, typed by @types/better-sqlite3.
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/** The lowest Node-API version better-sqlite3 13 runs on (its binding.gyp builds with NAPI_VERSION=10). */
export const NODE_API_FOR_CURRENT_DRIVER = 10;

export const SQLITE_DRIVER_PACKAGE = driverPackageFor(Number(process.versions.napi));

const require = createRequire(import.meta.url);

export const Sqlite: typeof BetterSqlite3 = loadDriver();

export function driverPackageFor(nodeApiVersion: number): 'better-sqlite3' | 'better-sqlite3-node20' {
  return nodeApiVersion >= NODE_API_FOR_CURRENT_DRIVER ? 'better-sqlite3' : 'better-sqlite3-node20';
}

function loadDriver(): typeof BetterSqlite3 {
  try {
    return require(SQLITE_DRIVER_PACKAGE) as typeof BetterSqlite3;
  } catch (error) {
    if (SQLITE_DRIVER_PACKAGE === 'better-sqlite3-node20' && isModuleNotFound(error)) {
      throw new Error(
        `Node ${process.version} (Node-API ${process.versions.napi}) needs the optional dependency better-sqlite3-node20, ` +
          'which is not installed: run `npm install` without --omit=optional, or use Node 22.14 or later.',
      );
    }
    throw error;
  }
}

function isModuleNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'MODULE_NOT_FOUND';
}
