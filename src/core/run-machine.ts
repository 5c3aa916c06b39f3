// The legal moves of a run. The store enforces them with compare-and-set; nothing else moves a run.
import type { RunStatus } from './model.js';

const NEXT: Record<RunStatus, readonly RunStatus[]> = {
  planned: ['awaiting_approval', 'approved', 'blocked', 'cancelled'],
  awaiting_approval: ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['executing', 'cancelled', 'interrupted'],
  executing: ['verifying', 'failed', 'interrupted', 'cancelled'],
  verifying: ['succeeded', 'failed', 'interrupted'],
  succeeded: [],
  failed: [],
  rejected: [],
  expired: [],
  blocked: [],
  interrupted: [],
  cancelled: [],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses a run may be in to move to `to`, optionally narrowed to `only`. */
export function legalSources(to: RunStatus, only?: readonly RunStatus[]): RunStatus[] {
  const all = (Object.keys(NEXT) as RunStatus[]).filter((from) => canTransition(from, to));
  return only ? all.filter((s) => only.includes(s)) : all;
}

export function isTerminal(status: RunStatus): boolean {
  return NEXT[status].length === 0;
}

/** Runs holding the service: a second rollback on the same service must wait for these. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['awaiting_approval', 'approved', 'executing', 'verifying'];

/** A process that dies in these leaves the cluster half-changed. */
export const IN_FLIGHT_STATUSES: readonly RunStatus[] = ['approved', 'executing', 'verifying'];
