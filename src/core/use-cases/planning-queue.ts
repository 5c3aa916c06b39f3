// Slash commands are acknowledged at once; the planning behind them (cluster reads, history, the plan,
// chat.postMessage) waits here for one of a few slots, so a burst of commands cannot starve the acks
// of the commands still arriving (one event loop). A burst is mostly the same request many times —
// everyone in the incident channel types it — so a request for a service whose plan this process is
// making for the same channel is answered from that plan, never planned twice. Across replicas, and
// once the plan is recorded, the store's one-active-run-per-service lock stays the judge: a later
// request gets a blocked plan that names the run in progress.
import type { Run } from '../model.js';
import type { UseCaseDeps } from './deps.js';
import { admitRequest, requestRollback, type RollbackInput } from './request-rollback.js';

/** Plans made at once by one process: enough to overlap cluster and Slack round trips, few enough to leave the CPU to acks. */
export const DEFAULT_PLANNING_SLOTS = 4;

export type QueuedOutcome =
  | { kind: 'planned'; run: Run }
  /** The same service was being planned for the same channel: that plan's run, as it ended up. */
  | { kind: 'in_progress'; run: Run };

export class PlanningQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Plans queued or being made, by service, environment and channel; removed when they settle. */
  private readonly inFlight = new Map<string, Promise<Run>>();

  constructor(readonly slots = DEFAULT_PLANNING_SLOTS) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`planning slots must be a positive integer, got ${slots}`);
  }

  /** Requests waiting for a slot or being planned now. */
  get pending(): number {
    return this.active + this.waiting.length;
  }

  /**
   * Admits the request (who may ask, which deployment: UserError otherwise), then either joins the
   * plan in progress for its service and channel or plans it when a slot is free. A dry run is
   * always planned on its own: it holds nothing and answers its own question.
   */
  async request(deps: UseCaseDeps, input: RollbackInput): Promise<QueuedOutcome> {
    const admitted = await admitRequest(deps, input);
    const key = input.request.dryRun ? undefined : [admitted.service.name, admitted.service.environment, input.channel].join('\u0000');
    const current = key === undefined ? undefined : this.inFlight.get(key);
    if (current) {
      const run = await current.catch(() => undefined);
      if (run) return { kind: 'in_progress', run };
      // That plan failed (its requester's own problem, or Slack's): this one is planned by itself.
    }
    const planning = this.inSlot(() => requestRollback(deps, input, admitted));
    if (key !== undefined && !this.inFlight.has(key)) {
      this.inFlight.set(key, planning);
      const forget = () => {
        if (this.inFlight.get(key) === planning) this.inFlight.delete(key);
      };
      planning.then(forget, forget);
    }
    return { kind: 'planned', run: await planning };
  }

  private async inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.slots) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over, not freed
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
