// What several replicas sharing the runs look like from outside: how often a replica claims a run,
// how often it takes one over from a replica that stopped renewing (a crash, a drain, a pause), and
// how often a replica finds it lost its lease (it was paused or partitioned past the expiry).
import { Counter, type Registry } from 'prom-client';

export type ClaimKind = 'fresh' | 'takeover';
export type LeaseLossAt = 'renew' | 'write';

export class LeaseMetrics {
  private readonly claims: Counter<'kind'>;
  private readonly losses: Counter<'at'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.claims = new Counter({
      name: 'smartspec_run_claims_total',
      help: 'Run leases won by this replica: fresh (nobody held the run) or takeover (another replica held it and let it expire).',
      labelNames: ['kind'],
      registers,
    });
    this.losses = new Counter({
      name: 'smartspec_lease_losses_total',
      help: 'Times this replica found its run lease taken by another: at renewal, or when a fenced write was refused.',
      labelNames: ['at'],
      registers,
    });
    // At 0 from the start, so an alert on rate(...) has a series to read before the first event.
    for (const kind of ['fresh', 'takeover'] as const) this.claims.inc({ kind }, 0);
    for (const at of ['renew', 'write'] as const) this.losses.inc({ at }, 0);
  }

  claimed(kind: ClaimKind): void {
    this.claims.inc({ kind });
  }

  leaseLost(at: LeaseLossAt): void {
    this.losses.inc({ at });
  }
}
