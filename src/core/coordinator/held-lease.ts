// A lease this process holds on one run while it drives it: renewed on a timer and before every
// cluster write. Once lost (another owner claimed the run: this process was paused or cut off past
// its expiry) `signal` aborts and every further fenced write is refused by the store anyway.
import { LeaseLostError } from '../errors.js';
import type { Clock, Logger, RunLease, Store } from '../ports.js';

export class HeldLease {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<boolean> | undefined;

  constructor(
    private lease: RunLease,
    private readonly deps: { store: Store; clock: Clock; logger: Logger; leaseMs: number },
  ) {}

  get current(): RunLease {
    return this.lease;
  }

  /** Aborted when the lease is lost. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  /** Renews every third of the lease, so two missed renewals still leave it held. */
  startRenewing(): void {
    const every = Math.max(50, Math.floor(this.deps.leaseMs / 3));
    this.timer = setInterval(() => {
      void this.renew();
    }, every);
    this.timer.unref();
  }

  /** True while held. One renewal at a time; a store error counts as "not renewed", not as lost. */
  renew(): Promise<boolean> {
    if (this.lost) return Promise.resolve(false);
    this.renewing ??= this.doRenew().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  /** Before a cluster write: renews, and throws LeaseLostError when the run is no longer ours. */
  async confirm(): Promise<void> {
    if (!(await this.renew())) throw new LeaseLostError(this.lease.runId, this.lease.fence);
  }

  /** Stops renewing and gives the run up (when still ours), so a next claim needs no expiry. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    if (this.lost) return;
    await this.deps.store
      .releaseLease(this.lease)
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, runId: this.lease.runId }, 'could not release the run lease; it expires by itself'),
      );
  }

  /** Stops renewing without releasing: a shutdown leaves the run for the next owner after expiry. */
  abandon(): void {
    clearInterval(this.timer);
  }

  private async doRenew(): Promise<boolean> {
    try {
      const renewed = await this.deps.store.renewLease(this.lease, this.deps.clock.now().toISOString(), this.deps.leaseMs);
      if (renewed) {
        this.lease = renewed;
        return true;
      }
      this.deps.logger.warn(
        { runId: this.lease.runId, fence: this.lease.fence },
        'lost the run lease: another owner claimed it; this process writes nothing more for it',
      );
      clearInterval(this.timer);
      this.controller.abort(new LeaseLostError(this.lease.runId, this.lease.fence));
      return false;
    } catch (error) {
      this.deps.logger.warn({ err: error, runId: this.lease.runId }, 'could not renew the run lease');
      // Still ours until it expires: a store hiccup must not stop a rollback mid-step.
      return Date.parse(this.lease.expiresAt) > this.deps.clock.now().getTime();
    }
  }
}
