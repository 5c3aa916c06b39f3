// Random decision clicks over many runs: who clicks, what, and how Slack delivers it (once, twice at
// the same moment, or redelivered as a retry). Pure: the same seed gives the same schedule.
import type { Prng } from './prng.js';

export type Delivery = 'single' | 'duplicate' | 'retry';

export interface ScheduledClick {
  /** Index of the run (0-based). */
  run: number;
  action: 'rollback_approve' | 'rollback_reject';
  user: string;
  delivery: Delivery;
}

export interface ClickPeople {
  approvers: readonly string[];
  requester: string;
  outsider: string;
}

/**
 * `total` clicks spread over `runs` runs, already interleaved (each click picks its run at random).
 * Each run gets a temperament so that some are never rejected, some rarely and some often: a schedule
 * ends with runs executed, rejected and still waiting.
 */
export function clickSchedule(prng: Prng, runs: number, total: number, people: ClickPeople): ScheduledClick[] {
  const rejectRate = Array.from({ length: runs }, () => prng.pick([0, 0.05, 0.3, 0.6]));
  // Some runs see mostly people who may not approve (the requester, an outsider): they stay waiting.
  const outsiderRate = Array.from({ length: runs }, () => prng.pick([0.1, 0.3, 0.9]));
  const clicks: ScheduledClick[] = [];
  for (let i = 0; i < total; i++) {
    const run = prng.int(0, runs - 1);
    const reject = prng.chance(rejectRate[run]!);
    const mayDecide = !prng.chance(outsiderRate[run]!);
    const user = mayDecide ? prng.pick(people.approvers) : prng.pick([people.requester, people.outsider]);
    const roll = prng.next();
    const delivery: Delivery = roll < 0.6 ? 'single' : roll < 0.8 ? 'duplicate' : 'retry';
    clicks.push({ run, action: reject ? 'rollback_reject' : 'rollback_approve', user, delivery });
  }
  return clicks;
}
