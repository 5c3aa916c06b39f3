// `helm history -o json`: the one source of truth for what a release runs, what it ran, and whether
// another Helm operation holds it. Parsed with zod: helm's output is input from outside.
import { z } from 'zod';
import type { HelmTarget } from '../../core/service.js';
import { scrubSecrets } from '../../core/scrub.js';
import { describeEnd } from '../command/process-runner.js';
import type { HelmCli } from './helm-cli.js';

const historyEntry = z.object({
  revision: z.number().int().min(1),
  updated: z.string(),
  status: z.string(),
  chart: z.string(),
  // Charts without appVersion give "".
  app_version: z.string().default(''),
  description: z.string().default(''),
});

const historySchema = z.array(historyEntry);

export interface HelmRevision {
  revision: number;
  /** ISO 8601 (UTC); helm prints RFC 3339 with nanoseconds and a local offset. */
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  description: string;
}

export type HelmHistory = { found: true; revisions: HelmRevision[] } | { found: false };

/** The exact text helm prints for a release (or revision) it does not know. */
const NOT_FOUND = 'release: not found';

export const PENDING_STATUSES = ['pending-install', 'pending-upgrade', 'pending-rollback'] as const;

export function isPending(status: string): boolean {
  return (PENDING_STATUSES as readonly string[]).includes(status);
}

/** Newest first. `found: false` when helm says the release does not exist; other failures throw. */
export async function readHelmHistory(cli: HelmCli, target: HelmTarget, timeoutMs: number, signal: AbortSignal): Promise<HelmHistory> {
  const args = cli.historyArgs(target);
  const outcome = await cli.run(args, timeoutMs, signal, 'buffer');
  if (outcome.end === 'exited' && outcome.exitCode === 0) return { found: true, revisions: parseHelmHistory(outcome.stdout) };
  const output = outcome.tail.lines();
  if (outcome.end === 'exited' && output.some((line) => line.includes(NOT_FOUND))) return { found: false };
  throw new Error(
    scrubSecrets(`\`${cli.display(args)}\` ${describeEnd(outcome, timeoutMs)}${output.length > 0 ? `: ${output.slice(-3).join(' / ')}` : ''}`),
  );
}

export function parseHelmHistory(stdout: string): HelmRevision[] {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new Error(`helm history printed something that is not JSON: ${scrubSecrets(stdout.slice(0, 200))}`);
  }
  const parsed = historySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`helm history printed an unexpected shape: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}`);
  }
  return parsed.data
    .map((e) => ({
      revision: e.revision,
      updated: isoOrRaw(e.updated),
      status: e.status,
      chart: e.chart,
      appVersion: e.app_version,
      description: e.description,
    }))
    .sort((a, b) => b.revision - a.revision);
}

/** The release's current revision: helm's "last release", whatever its status (what `helm status` shows). */
export function latestRevision(history: HelmRevision[]): HelmRevision | undefined {
  return history[0];
}

/** What people and the planner match a revision by: the app version and the chart (`checkout-1.4.2`). */
export function revisionImages(r: HelmRevision): string[] {
  return [r.appVersion, r.chart].filter((v) => v !== '');
}

function isoOrRaw(updated: string): string {
  const ms = Date.parse(updated);
  return Number.isNaN(ms) ? updated : new Date(ms).toISOString();
}
