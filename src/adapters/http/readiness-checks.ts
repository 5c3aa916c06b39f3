// The readiness checks for our own dependencies: the database and Slack. (Clusters: kubernetes/cluster-probe.ts.)
import { SCHEMA_MIGRATIONS } from '../sqlite/migrations/index.js';
import type { ReadinessCheck } from './readiness-routes.js';

/** The schema version this build migrates to at start. */
export const LATEST_SCHEMA_VERSION = SCHEMA_MIGRATIONS.at(-1)?.version ?? 0;

export interface SchemaVersionSource {
  schemaVersion(): Promise<number>;
}

/** Open (a closed or unreadable file throws) and migrated to exactly the version this build expects. */
export function databaseCheck(store: SchemaVersionSource, expectedVersion: number = LATEST_SCHEMA_VERSION): ReadinessCheck {
  return {
    name: 'database',
    check: async () => {
      const version = await store.schemaVersion();
      if (version !== expectedVersion) throw new Error(`schema version ${version}, this build expects ${expectedVersion}`);
    },
  };
}

/** What slackAuthCheck needs of @slack/web-api's WebClient (app.client). */
export interface SlackAuthClient {
  auth: { test(): Promise<{ ok?: boolean; error?: string }> };
}

export interface SlackAuthCheckOptions {
  /** A success is trusted this long, so a kubelet probing every few seconds does not hammer Slack. */
  cacheMs?: number;
  now?: () => number;
}

export const SLACK_AUTH_CACHE_MS = 30_000;

export function slackAuthCheck(client: SlackAuthClient, options: SlackAuthCheckOptions = {}): ReadinessCheck {
  const cacheMs = options.cacheMs ?? SLACK_AUTH_CACHE_MS;
  const now = options.now ?? Date.now;
  let verifiedAt: number | undefined;
  let inFlight: Promise<void> | undefined;
  const verify = async () => {
    try {
      const result = await client.auth.test();
      if (result.ok === false) throw new Error(`auth.test answered ${result.error ?? 'not ok'}`);
      verifiedAt = now();
    } catch (error) {
      verifiedAt = undefined; // a revoked token must show at the next probe, not after the cache expires
      throw new Error(`auth.test failed: ${slackReason(error)}`);
    }
  };
  return {
    name: 'slack',
    check: async () => {
      if (verifiedAt !== undefined && now() - verifiedAt < cacheMs) return;
      // Concurrent probes share one call instead of each asking Slack.
      inFlight ??= verify().finally(() => {
        inFlight = undefined;
      });
      await inFlight;
    },
  };
}

/** WebClient errors carry Slack's error code (invalid_auth, token_revoked…) in `data.error`. */
function slackReason(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const data = (error as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
    const code = (error as { code?: unknown }).code;
    const original = (error as { original?: { code?: unknown; message?: unknown } }).original;
    if (typeof original?.code === 'string') return `${String(code ?? 'request error')} (${original.code})`;
  }
  return error instanceof Error ? error.message : 'unknown error';
}
