// Periodic work (expiring plans, reminders, retention) done once across all replicas: each job is
// tried when its period has come here, and runs only if this replica wins the job's lease in the
// store for that period. Time comes from the injected Clock; the coordinator's loop calls runDue().
import type { Clock, Logger, Store } from '../ports.js';

export interface PeriodicJob {
  /** Unique across the product: it is the job's lease name in the store. */
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

export class PeriodicWork {
  private readonly jobs: PeriodicJob[] = [];
  /** When this replica last tried each job (won or not), so the store is asked once per period. */
  private readonly lastTry = new Map<string, number>();

  constructor(private readonly deps: { store: Pick<Store, 'claimJob'>; clock: Clock; logger: Logger; owner: string }) {}

  register(job: PeriodicJob): void {
    if (this.jobs.some((j) => j.name === job.name)) throw new Error(`periodic job ${job.name} is registered twice`);
    if (!(job.everyMs > 0)) throw new Error(`periodic job ${job.name} needs a positive period`);
    this.jobs.push(job);
  }

  names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  /** Runs, one after another, the jobs that are due here and that this replica wins; returns their names. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      const now = this.deps.clock.now();
      const last = this.lastTry.get(job.name);
      if (last !== undefined && now.getTime() - last < job.everyMs) continue;
      this.lastTry.set(job.name, now.getTime());
      let won: boolean;
      try {
        won = await this.deps.store.claimJob(job.name, this.deps.owner, now.toISOString(), job.everyMs);
      } catch (error) {
        this.deps.logger.warn({ err: error, job: job.name }, 'could not claim periodic job; trying again next period');
        continue;
      }
      if (!won) continue;
      try {
        await job.run();
        ran.push(job.name);
      } catch (error) {
        this.deps.logger.error({ err: error, job: job.name }, 'periodic job failed; it runs again next period');
      }
    }
    return ran;
  }
}
