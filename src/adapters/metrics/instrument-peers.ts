// Failures of the monitoring peers counted in smartspec_dependency_errors_total: an Alertmanager that
// refuses silences or a Prometheus that cannot answer detection queries must show on a dashboard, not
// only in the timeline of the run it happened to.
import type { InstantQuerier } from '../../core/detection.js';
import type { AlertmanagerClient } from '../../core/silences/alert-silences.js';
import { countingErrors } from './instrument-ports.js';
import type { Metrics } from './metrics.js';

export function instrumentAlertmanager<A extends AlertmanagerClient>(client: A, metrics: Metrics): A {
  return countingErrors(client, (operation) => metrics.dependencyFailed('alertmanager', operation));
}

/** The querier answers failures as data (they become unknown readings), so they are counted from the answer. */
export function instrumentPrometheus(querier: InstantQuerier, metrics: Metrics): InstantQuerier {
  return {
    async instant(url, query, at, signal) {
      const answer = await querier.instant(url, query, at, signal);
      if ('error' in answer) metrics.dependencyFailed('prometheus', 'instant');
      return answer;
    },
  };
}
