// What every store checks before writing, whatever the engine (the same rules as SqliteStore's).
import type { Deployment, RunStatus, TimelineEvent } from '../../core/model.js';
import { canTransition } from '../../core/run-machine.js';
import { canonicalJson } from '../sqlite/canonical-json.js';

/** Equal as recorded: key order and timestamp spelling do not count; a later markRolledBack never does. */
export function sameRecording(stored: unknown, incoming: Deployment): boolean {
  return canonicalJson(withIsoCreatedAt(stored)) === canonicalJson(withIsoCreatedAt(incoming));
}

function withIsoCreatedAt(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('createdAt' in body) || typeof body.createdAt !== 'string') return body;
  const ms = Date.parse(body.createdAt);
  return Number.isNaN(ms) ? body : { ...body, createdAt: new Date(ms).toISOString() };
}

/** Asking for a move the run machine forbids is a bug in the caller, not a lost race. */
export function assertLegal(from: readonly RunStatus[], to: RunStatus): void {
  const illegal = from.filter((status) => !canTransition(status, to));
  if (from.length === 0 || illegal.length > 0) {
    throw new Error(`Illegal run transition: ${illegal.length > 0 ? illegal.join(', ') : '(no source status)'} → ${to}`);
  }
}

export function assertEventFor(runId: string, event: TimelineEvent): void {
  if (event.runId !== runId) throw new Error(`Timeline event for run ${event.runId} passed with run ${runId}`);
}
