// One per process. Like a Kubernetes controller it reconciles: on every tick it does the periodic
// work that is due (once across replicas), then claims every run that needs moving and nobody holds
// (approved, or left executing/verifying by an owner that stopped) and drives each in the background
// under a renewed lease. Entry points only record intent and nudge it.
import type { Run } from '../model.js';
import type { UseCaseDeps } from '../use-cases/deps.js';
import { driveRun } from './drive-run.js';
import { HeldLease } from './held-lease.js';
import { PeriodicWork, type PeriodicJob } from './periodic-work.js';

/** Runs a coordinator moves forward. */
export const DRIVABLE_STATUSES = ['approved', 'executing', 'verifying'] as const;

const DEFAULT_MAX_CONCURRENT = 32;

export interface CoordinatorOptions {
  /** This replica, as stored in leases (host name and process, or a random id). */
  owner: string;
  leaseMs: number;
  /** How often to look for work when nobody nudges; a run without owner is found within this plus a lease. */
  pollMs: number;
  /** Runs driven at once by this process (default 32); more wait for a free slot, in age order. */
  maxConcurrent?: number;
  /** Runs one run's drive in a context whose log lines carry its runId (the composition root's correlation). */
  scope?: <T>(runId: string, drive: () => Promise<T>) => Promise<T>;
}

export class RunCoordinator {
  readonly periodic: PeriodicWork;
  private readonly driving = new Map<string, Promise<void>>();
  /** Runs whose claim is in flight (between the check and the store's answer). */
  private readonly claiming = new Set<string>();
  /** Direct claims of runs approved here (nudge with a run id), until they have started their drive. */
  private readonly direct = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly options: CoordinatorOptions,
  ) {
    this.periodic = new PeriodicWork({ store: deps.store, clock: deps.clock, logger: deps.logger, owner: options.owner });
  }

  register(job: PeriodicJob): void {
    this.periodic.register(job);
  }

  /** Starts polling. Tests drive `tick()` themselves instead. */
  start(): void {
    const loop = () => {
      this.timer = setTimeout(() => {
        void this.tick().finally(() => {
          if (!this.shutdown.signal.aborted) loop();
        });
      }, this.options.pollMs);
      this.timer.unref();
    };
    void this.tick();
    loop();
  }

  /**
   * Something was recorded that a run may act on: look now rather than at the next poll. `runId`: the
   * run that was just approved in this process — claimed directly (the claim is the same
   * compare-and-set, so another replica still cannot drive it too) instead of after a query for
   * every claimable run; when that claim is not won here, a full pass looks as before. `approved`:
   * that run as its approval stored it.
   */
  nudge(runId?: string, approved?: Run): void {
    if (this.shutdown.signal.aborted) return;
    if (runId === undefined) {
      void this.tick();
      return;
    }
    const direct = this.claimDirectly(runId, approved).then(
      (claimed) => (claimed ? undefined : this.tick()),
      (error: unknown) => {
        this.deps.logger.warn({ err: error, runId }, 'claiming the approved run failed; a full pass looks again');
        return this.tick();
      },
    );
    // Tracked like a pass, so idle() and stop() wait for it.
    this.direct.add(direct);
    void direct.finally(() => this.direct.delete(direct));
  }

  /** One reconciliation. Concurrent calls coalesce into at most one more pass. Never throws. */
  tick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = this.reconcile().finally(() => {
      this.ticking = undefined;
      if (this.again && !this.shutdown.signal.aborted) {
        this.again = false;
        void this.tick();
      }
    });
    return this.ticking;
  }

  /** Runs this process is driving now. */
  activeRuns(): string[] {
    return [...this.driving.keys()];
  }

  /** Resolves when every drive started so far has ended (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.driving.size > 0 || this.ticking || this.direct.size > 0) {
      await Promise.allSettled([...this.driving.values(), this.ticking, ...this.direct]);
    }
  }

  /**
   * Stops claiming; drives stop between steps and release their runs, so the next owner (this
   * process restarted, or another replica) claims them at once. Bounded by `graceMs`.
   */
  async stop(graceMs: number): Promise<void> {
    this.shutdown.abort();
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async reconcile(): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    try {
      // Claim first: a nudge after an approval must not wait behind due periodic work (the drives
      // it starts run in the background meanwhile).
      await this.claimRuns();
      await this.periodic.runDue();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'coordinator pass failed; trying again at the next one');
    }
  }

  private async claimRuns(): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    const candidates = await this.deps.store.claimableRuns(now, DRIVABLE_STATUSES);
    for (const candidate of candidates) {
      if (this.shutdown.signal.aborted) return;
      if (!this.hasFreeSlot()) return; // the next free slot looks again
      await this.claim(candidate.id);
    }
  }

  /** A run approved here: claimed at once unless every slot is taken (then runs waiting longer go first). */
  private async claimDirectly(runId: string, approved?: Run): Promise<boolean> {
    if (this.shutdown.signal.aborted || !this.hasFreeSlot()) return false;
    return this.claim(runId, approved);
  }

  private hasFreeSlot(): boolean {
    return this.driving.size + this.claiming.size < (this.options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
  }

  /**
   * Claims the run and drives it in the background; false when it is driven here already or another
   * owner holds it. `approved`: the run as its approval stored it (a direct claim).
   */
  private async claim(runId: string, approved?: Run): Promise<boolean> {
    if (this.driving.has(runId) || this.claiming.has(runId)) return this.driving.has(runId);
    // Reserved before the await: a direct claim and a pass at the same moment must not both drive it here.
    this.claiming.add(runId);
    let lease: Awaited<ReturnType<typeof this.deps.store.claimRun>>;
    try {
      lease = await this.deps.store.claimRun(runId, this.options.owner, this.deps.clock.now().toISOString(), this.options.leaseMs);
    } finally {
      this.claiming.delete(runId);
    }
    if (!lease) return false; // another replica was quicker
    const held = new HeldLease(lease, { store: this.deps.store, clock: this.deps.clock, logger: this.deps.logger, leaseMs: this.options.leaseMs });
    held.startRenewing();
    const scope = this.options.scope ?? ((_runId, work) => work());
    // The first claim ever (fence 1) of a run read after its approval: no owner has recorded anything
    // since, and whatever a non-owner did meanwhile (a cancel) fails the drive's first compare-and-set.
    const known = approved && lease.fence === 1 ? approved : undefined;
    const drive = scope(runId, () => this.drive(held, runId, known)).finally(() => {
      this.driving.delete(runId);
      this.nudge(); // a slot is free: a run waiting for one starts now rather than at the next poll
    });
    this.driving.set(runId, drive);
    return true;
  }

  private async drive(held: HeldLease, runId: string, known?: Run): Promise<void> {
    try {
      // Read after the claim: what the previous owner recorded up to its last fenced write.
      const run = known ?? (await this.deps.store.getRun(runId));
      if (!run || !(DRIVABLE_STATUSES as readonly string[]).includes(run.status)) return;
      this.deps.logger.info({ runId, status: run.status, fence: held.current.fence }, 'driving run');
      const end = await driveRun(this.deps, held, run, this.shutdown.signal);
      if (end === 'left') this.deps.logger.warn({ runId }, 'left the run for its next owner');
    } catch (error) {
      this.deps.logger.error({ err: error, runId }, 'driving the run failed; its next owner takes it after the lease expires');
      held.abandon();
      await this.deps.events.delivered?.(runId);
      return;
    }
    await held.release();
    // The drive is over once people were told (each delivery bounded): idle() and stop() wait for it.
    await this.deps.events.delivered?.(runId);
  }
}
