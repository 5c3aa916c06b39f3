// One set of assertions about instant queries, run against Debian's prometheus (started here on a
// free port, scraping a target this test serves) and against the emulator in sandbox/prometheus:
// the detection adapter and the verification check read both the same way.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrometheusCheck } from '../../src/adapters/health/prometheus-check.js';
import { PrometheusHttpQuerier } from '../../src/adapters/prometheus/prometheus-querier.js';
import { measureDetection } from '../../src/core/detection.js';
import type { DetectionSpec } from '../../src/core/service.js';
import { startFakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';
import { makeDeployment } from '../support/builders.js';
import { eventually } from '../support/eventually.js';
import { startRealPeer } from '../support/real-peer.js';
import { describeWithTool } from '../support/required-tool.js';

// What the scraped target exposes: the failed version erring, the target version fine.
const EXPOSITION = [
  '# TYPE smartspec_test_error_ratio gauge',
  'smartspec_test_error_ratio{service="checkout",version="v1.2.1"} 0.124',
  'smartspec_test_error_ratio{service="checkout",version="v1.2.0"} 0.0002',
  '# TYPE smartspec_test_p99_seconds gauge',
  'smartspec_test_p99_seconds{service="checkout",version="v1.2.1"} 0.09',
  '',
].join('\n');
const BY_VERSION = 'max by (version) (smartspec_test_error_ratio{service="checkout"})';
const LATENCY = 'max by (version) (smartspec_test_p99_seconds{service="checkout"})';
const TARGET_ERRORS = 'max(smartspec_test_error_ratio{service="checkout",version="v1.2.0"})';
const MISSING = 'smartspec_test_metric_nobody_exports';

interface Peer {
  url: string;
  /** When the metrics began to exist on the peer. */
  since: Date;
}

const querier = new PrometheusHttpQuerier();
const signal = () => AbortSignal.timeout(10_000);

function spec(url: string): DetectionSpec {
  return {
    url,
    versionLabel: 'version',
    queries: [
      { name: 'error rate', kind: 'error_rate', query: BY_VERSION, max: 0.001, severity: 'critical' },
      { name: 'p99 latency', kind: 'latency', query: LATENCY, max: 0.5, severity: 'high', unit: 's' },
    ],
  };
}

function queryContract(peer: () => Peer): void {
  it('answers an instant query with one series per version', async () => {
    const answer = await querier.instant(peer().url, BY_VERSION, new Date(), signal());
    expect('series' in answer && [...answer.series].sort((a, b) => b.value - a.value)).toEqual([
      { labels: { version: 'v1.2.1' }, value: 0.124 },
      { labels: { version: 'v1.2.0' }, value: 0.0002 },
    ]);
  });

  it('detection: the failed version breaches the critical query now, the latency query holds, CRITICAL', async () => {
    const failed = makeDeployment({ version: 'v1.2.1', createdAt: new Date(peer().since.getTime() + 60 * 60_000).toISOString() });
    const target = makeDeployment({ id: 'deploy-12300', version: 'v1.2.0' });
    const report = await measureDetection(querier, { spec: spec(peer().url), failed, target, now: new Date() }, signal());
    expect(report.measurements.map((m) => [m.name, m.status, m.now])).toEqual([
      ['error rate', 'breached', { value: 0.124 }],
      ['p99 latency', 'ok', { value: 0.09 }],
    ]);
    expect(report.decision).toMatchObject({ severity: 'CRITICAL', response: 'rollback_immediately' });
  });

  it('detection: before the metrics existed there is no value, shown as unknown with the reason', async () => {
    const failed = makeDeployment({ version: 'v1.2.1', createdAt: new Date(peer().since.getTime() - 60 * 60_000).toISOString() });
    const target = makeDeployment({ id: 'deploy-12300', version: 'v1.2.0' });
    const report = await measureDetection(querier, { spec: spec(peer().url), failed, target, now: new Date() }, signal());
    expect(report.measurements[0]!.before).toEqual({ error: 'no series with version="v1.2.0"' });
  });

  it('a metric nobody exports, or a query Prometheus cannot parse, is unknown: never healthy', async () => {
    const missing = await querier.instant(peer().url, MISSING, new Date(), signal());
    expect(missing).toEqual({ series: [] });
    const broken = await querier.instant(peer().url, 'sum(rate(x[5m])', new Date(), signal());
    expect('error' in broken && broken.error).toMatch(/^Prometheus refused the query: .*parse error/);
    const failed = makeDeployment({ version: 'v1.2.1' });
    const report = await measureDetection(
      querier,
      {
        spec: { url: peer().url, queries: [{ name: 'saturation', kind: 'saturation', query: MISSING, max: 0.8, severity: 'high' }] },
        failed,
        target: makeDeployment({ version: 'v1.2.0' }),
        now: new Date(),
      },
      signal(),
    );
    expect(report.measurements[0]).toMatchObject({ status: 'unknown', now: { error: 'no data: the query returned no series' } });
    expect(report.decision).toMatchObject({ severity: 'HIGH', response: 'prompt' });
  });

  it('the verification check passes on the target version and fails on the failed one', async () => {
    const pass = await runPrometheusCheck(
      { name: 'target errors', url: peer().url, query: TARGET_ERRORS, max: 0.01, samples: 2, intervalSeconds: 0.05 },
      signal(),
    );
    expect(pass).toMatchObject({ phase: 'passed', measured: '0.0002 (worst of 2 sample(s))' });
    const fail = await runPrometheusCheck(
      { name: 'all errors', url: peer().url, query: BY_VERSION, max: 0.01, samples: 2, intervalSeconds: 0.05 },
      signal(),
    );
    expect(fail).toMatchObject({ phase: 'failed', measured: '0.124 (worst of 1 sample(s))' });
  });
}

describe('Prometheus emulator (sandbox/prometheus)', () => {
  const peer: Peer = { url: '', since: new Date() };
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const fake = await startFakePrometheus();
    peer.url = fake.url;
    const since = { since: peer.since };
    fake.setSeries(
      BY_VERSION,
      [
        { labels: { version: 'v1.2.1' }, value: 0.124 },
        { labels: { version: 'v1.2.0' }, value: 0.0002 },
      ],
      since,
    );
    fake.setSeries(LATENCY, [{ labels: { version: 'v1.2.1' }, value: 0.09 }], since);
    fake.setSeries(TARGET_ERRORS, [{ labels: {}, value: 0.0002 }], since);
    fake.setSeries(MISSING, []);
    close = fake.close;
  });
  afterAll(() => close());
  queryContract(() => peer);
});

describeWithTool({ command: 'prometheus', debianPackage: 'prometheus' }, 'real Prometheus (Debian prometheus)', (binary) => {
  const peer: Peer = { url: '', since: new Date() };
  let target: Server | undefined;
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    target = createServer((req, res) => {
      res
        .writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' })
        .end(req.url === '/metrics' ? EXPOSITION : '');
    });
    await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', resolve));
    const targetAddress = `127.0.0.1:${(target.address() as AddressInfo).port}`;
    peer.since = new Date();
    const real = await startRealPeer({
      binary,
      files: {
        'prometheus.yml': `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: test\n    static_configs:\n      - targets: ['${targetAddress}']\n`,
      },
      args: (dir, port) => [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      readyPath: '/-/ready',
    });
    peer.url = real.url;
    stop = real.stop;
    // Ready is not scraped: wait for the first scrape to land (the positive signal), bounded.
    await eventually(
      async () => {
        const answer = await querier.instant(peer.url, BY_VERSION, new Date(), signal());
        return 'series' in answer && answer.series.length === 2;
      },
      20_000,
      'the first scrape of the test target',
    );
  }, 60_000);
  afterAll(async () => {
    await stop();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  });
  queryContract(() => peer);
});
