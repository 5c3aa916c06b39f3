// The reconciler as the coordinator's periodic work: once a minute, on one replica (job lease), end
// every silence of the bot's whose run is no longer executing or verifying. This is what makes "a
// silence is never left behind" hold across crashes between "run ended" and "silence ended".
import type { PeriodicJob } from '../coordinator/periodic-work.js';
import type { SilenceKeeper } from './silence-keeper.js';

export const SILENCE_SWEEP_EVERY_MS = 60_000;

export function silenceSweepJob(keeper: Pick<SilenceKeeper, 'reconcile'>, everyMs = SILENCE_SWEEP_EVERY_MS): PeriodicJob {
  return {
    name: 'alertmanager-silence-sweep',
    everyMs,
    run: async () => {
      await keeper.reconcile();
    },
  };
}
