// Run metrics read off the one place every status change goes through: Store.transition. Only a
// transition that won its compare-and-set is counted, so a double click or a Slack retry counts once.
import type { Run, RunStatus, TimelineEvent } from '../../core/model.js';
import type { Store } from '../../core/ports.js';
import { isTerminal } from '../../core/run-machine.js';
import { instrumentLeases } from './instrument-leases.js';
import type { Metrics } from './metrics.js';

/** Runs in flight at once are few (one per service); the bound only guards against a leak. */
const MAX_TRACKED_RUNS = 1000;

interface PhaseTimes {
  executingAt?: number;
  verifyingAt?: number;
}

/**
 * A Store that behaves exactly like `store` and feeds `metrics`. Every other method, including
 * adapter-only ones such as SqliteStore.schemaVersion, is the original's.
 */
export function instrumentStore<S extends Store>(store: S, metrics: Metrics): S {
  // Executing and verifying never survive a restart (such runs become interrupted), so memory is
  // enough for their start times; the approval wait takes the run's creation from the run the
  // transition stored, because a plan may be approved by the next process.
  const phases = new Map<string, PhaseTimes>();

  const track = (runId: string, update: PhaseTimes) => {
    const current = phases.get(runId) ?? {};
    phases.delete(runId); // re-insert: Map order is then least recently updated first
    phases.set(runId, { ...current, ...update });
    while (phases.size > MAX_TRACKED_RUNS) {
      const oldest = phases.keys().next().value;
      if (oldest === undefined) break;
      phases.delete(oldest);
    }
  };

  const observe = (run: Run, to: RunStatus, event: TimelineEvent) => {
    const runId = run.id;
    const at = Date.parse(event.at);
    const times = phases.get(runId) ?? {};
    if (to === 'approved') {
      metrics.approvalWaited((at - Date.parse(run.createdAt)) / 1000);
    } else if (to === 'executing') {
      track(runId, { executingAt: at });
    } else if (to === 'verifying') {
      if (times.executingAt !== undefined) metrics.rollbackTook((at - times.executingAt) / 1000);
      track(runId, { verifyingAt: at });
    } else if (to === 'succeeded' || to === 'failed') {
      // A failed step ends the run from executing (a rollback that failed); a failed check from verifying.
      if (times.verifyingAt !== undefined) metrics.verificationTook((at - times.verifyingAt) / 1000);
      else if (times.executingAt !== undefined) metrics.rollbackTook((at - times.executingAt) / 1000);
    }
    if (isTerminal(to)) {
      metrics.runFinished(to);
      phases.delete(runId);
    }
  };

  // Every argument passes through: dropping the lease would silently turn a fenced write into an unfenced one.
  const transition: Store['transition'] = async (runId, from, to, event, lease) => {
    const won = await store.transition(runId, from, to, event, lease);
    if (won) {
      try {
        observe(won, to, event);
      } catch {
        // A metric that cannot be observed must never fail the state change that already happened.
      }
    }
    return won;
  };

  // Outermost: lease losses are counted on the writes as every caller sees them.
  return instrumentLeases(
    new Proxy(store, {
      get(target, property) {
        if (property === 'transition') return transition;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }),
    metrics.leases,
  );
}
