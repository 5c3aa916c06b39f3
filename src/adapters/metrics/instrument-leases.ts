// Lease metrics read off the store's lease methods, so every caller (the coordinator, periodic
// work, a test) is counted the same way and the coordinator needs no metrics of its own.
import { LeaseLostError } from '../../core/errors.js';
import type { Store } from '../../core/ports.js';
import type { LeaseMetrics } from './lease-metrics.js';

/** The writes that take a lease and throw LeaseLostError once it was taken by another replica. */
const FENCED_WRITES = new Set<PropertyKey>(['transition', 'setMessage', 'saveStepResult', 'saveVerification', 'saveRootCause', 'appendTimeline']);

/** A Store that behaves exactly like `store` and counts claims, takeovers and lease losses. */
export function instrumentLeases<S extends Store>(store: S, metrics: LeaseMetrics): S {
  const count = (fn: () => void) => {
    try {
      fn();
    } catch {
      // A counter must never change what the store answered.
    }
  };

  const claimRun: Store['claimRun'] = async (runId, owner, now, leaseMs) => {
    // A run another replica held (and let expire) is a takeover: the claim itself says so.
    const lease = await store.claimRun(runId, owner, now, leaseMs);
    if (lease) count(() => metrics.claimed(lease.takenOver ? 'takeover' : 'fresh'));
    return lease;
  };

  const renewLease: Store['renewLease'] = async (lease, now, leaseMs) => {
    const renewed = await store.renewLease(lease, now, leaseMs);
    if (!renewed) count(() => metrics.leaseLost('renew'));
    return renewed;
  };

  const fenced =
    (method: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        if (error instanceof LeaseLostError) count(() => metrics.leaseLost('write'));
        throw error;
      }
    };

  return new Proxy(store, {
    get(target, property) {
      if (property === 'claimRun') return claimRun;
      if (property === 'renewLease') return renewLease;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
      return FENCED_WRITES.has(property) ? fenced(bound) : bound;
    },
  });
}
