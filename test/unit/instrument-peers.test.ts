// Alertmanager and Prometheus failures reach smartspec_dependency_errors_total; answers pass through unchanged.
import { expect, it } from 'vitest';
import { AlertmanagerHttpClient } from '../../src/adapters/alertmanager/alertmanager-client.js';
import { instrumentAlertmanager, instrumentPrometheus } from '../../src/adapters/metrics/instrument-peers.js';
import { Metrics } from '../../src/adapters/metrics/metrics.js';
import type { InstantQuerier, QueryAnswer } from '../../src/core/detection.js';

const count = async (metrics: Metrics, dependency: string, operation: string) => {
  const line = (await metrics.render())
    .split('\n')
    .find((l) => l.startsWith(`smartspec_dependency_errors_total{dependency="${dependency}",operation="${operation}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

it('counts an Alertmanager that does not answer, by operation, and still throws', async () => {
  const metrics = new Metrics({ defaultMetrics: false });
  const client = instrumentAlertmanager(new AlertmanagerHttpClient(), metrics);
  await expect(client.listSilences('http://127.0.0.1:9', AbortSignal.timeout(5_000))).rejects.toThrow(
    /Alertmanager at http:\/\/127\.0\.0\.1:9 did not answer/,
  );
  expect(await count(metrics, 'alertmanager', 'listSilences')).toBe(1);
});

it('counts a Prometheus answer that is an error, not one that is data (an empty vector included)', async () => {
  const metrics = new Metrics({ defaultMetrics: false });
  const answers: QueryAnswer[] = [{ error: 'Prometheus did not answer: ECONNREFUSED' }, { series: [] }, { series: [{ labels: {}, value: 1 }] }];
  const fake: InstantQuerier = { instant: async () => answers.shift()! };
  const querier = instrumentPrometheus(fake, metrics);
  const signal = AbortSignal.timeout(1_000);
  expect(await querier.instant('http://p', 'q', new Date(), signal)).toEqual({ error: 'Prometheus did not answer: ECONNREFUSED' });
  expect(await querier.instant('http://p', 'q', new Date(), signal)).toEqual({ series: [] });
  expect(await querier.instant('http://p', 'q', new Date(), signal)).toEqual({ series: [{ labels: {}, value: 1 }] });
  expect(await count(metrics, 'prometheus', 'instant')).toBe(1);
});
