import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrometheusCheck } from '../../src/adapters/health/prometheus-check.js';
import type { PrometheusCheckSpec } from '../../src/core/service.js';
import { startFakePrometheus, type FakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';

let prom: FakePrometheus;
beforeAll(async () => {
  prom = await startFakePrometheus();
});
afterAll(async () => {
  await prom.close();
});

const spec = (over: Partial<PrometheusCheckSpec>): PrometheusCheckSpec => ({
  name: 'error rate',
  url: prom.url,
  query: 'q',
  max: 0.05,
  samples: 3,
  intervalSeconds: 0.05,
  ...over,
});
const signal = () => AbortSignal.timeout(5_000);

describe('Prometheus verification checks', () => {
  it.each([
    ['every sample within max', { query: 'ok' }, [0.01, 0.02, 0.03], 'passed', /0.03 \(worst of 3/],
    ['one sample above max', { query: 'spike' }, [0.01, 0.09, 0.01], 'failed', /0.09 \(worst of 2/],
    ['min threshold met', { query: 'rps', max: undefined, min: 100 }, [150, 120, 130], 'passed', /120 \(worst of 3/],
    ['min threshold missed', { query: 'rps-low', max: undefined, min: 100 }, [90], 'failed', /90/],
  ] as const)('%s → %s', async (_name, over, values, phase, measured) => {
    prom.set(over.query, [...values]);
    const check = await runPrometheusCheck(spec(over), signal());
    expect(check.phase).toBe(phase);
    expect(check.measured).toMatch(measured);
  });

  it('fails when the query returns no data: a missing metric is not a healthy one', async () => {
    prom.set('missing', []);
    const check = await runPrometheusCheck(spec({ query: 'missing' }), signal());
    expect(check.phase).toBe('failed');
    expect(check.detail).toContain('no data');
  });

  it('fails, with the reason, when Prometheus cannot be reached', async () => {
    const check = await runPrometheusCheck(spec({ url: 'http://127.0.0.1:9' }), signal());
    expect(check.phase).toBe('failed');
    expect(check.detail).toContain('Prometheus did not answer');
  });
});
