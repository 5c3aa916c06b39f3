import { describe, expect, it } from 'vitest';
import { detectionBlocks } from '../../src/adapters/slack/blocks/detection-blocks.js';
import { runView } from '../../src/adapters/http/run-view.js';
import { renderPlanMarkdown } from '../../src/cli/plan-markdown.js';
import { runViewSchema } from '../../src/cli/run-view-schema.js';
import { classify, decide, decideFromIncident, decideFromMeasurements } from '../../src/core/decision.js';
import type { Measurement } from '../../src/core/detection-report.js';
import { type InstantQuerier, measureDetection, pick, type QueryAnswer } from '../../src/core/detection.js';
import type { DetectionSpec } from '../../src/core/service.js';
import { makeDeployment, makeRun } from '../support/builders.js';
import { expectGolden } from '../support/golden.js';

const NOW = new Date('2026-11-20T10:42:00.000Z');
const FAILED = makeDeployment({ version: 'v1.2.1', createdAt: '2026-11-20T10:30:00.000Z' });
const TARGET = makeDeployment({ id: 'deploy-12300', version: 'v1.2.0', createdAt: '2026-11-18T09:00:00.000Z' });

/** Answers per (query, evaluation time): a small in-memory Prometheus. */
class TableQuerier implements InstantQuerier {
  readonly asked: Array<{ query: string; at: string }> = [];
  constructor(private readonly answers: Record<string, { now: QueryAnswer; before: QueryAnswer }>) {}
  async instant(_url: string, query: string, at: Date): Promise<QueryAnswer> {
    this.asked.push({ query, at: at.toISOString() });
    const answer = this.answers[query];
    if (!answer) return { error: `unexpected query ${query}` };
    return at.getTime() === NOW.getTime() ? answer.now : answer.before;
  }
}

const byVersion = (failed: number, target: number): QueryAnswer => ({
  series: [
    { labels: { version: 'v1.2.1' }, value: failed },
    { labels: { version: 'v1.2.0' }, value: target },
  ],
});

const spec: DetectionSpec = {
  url: 'http://prometheus.test',
  versionLabel: 'version',
  queries: [
    { name: 'error rate', kind: 'error_rate', query: 'errors', max: 0.001, severity: 'critical' },
    { name: 'p99 latency', kind: 'latency', query: 'p99', max: 100, severity: 'high', unit: 'ms' },
    { name: 'CPU', kind: 'saturation', query: 'cpu', max: 0.8, severity: 'medium' },
  ],
};

describe('measureDetection', () => {
  it('reads the failed version now and the target version at the failed deploy, per version label', async () => {
    const querier = new TableQuerier({
      errors: { now: byVersion(0.124, 0.0002), before: byVersion(0, 0.0002) },
      p99: { now: byVersion(3245, 84), before: { series: [{ labels: { version: 'v1.2.0' }, value: 84 }] } },
      cpu: { now: { error: 'Prometheus did not answer: connect ECONNREFUSED' }, before: { series: [] } },
    });
    const report = await measureDetection(querier, { spec, failed: FAILED, target: TARGET, now: NOW }, AbortSignal.timeout(1000));
    expect(report.measurements.map((m) => [m.name, m.status, m.now, m.before])).toEqual([
      ['error rate', 'breached', { value: 0.124 }, { value: 0.0002 }],
      ['p99 latency', 'breached', { value: 3245 }, { value: 84 }],
      ['CPU', 'unknown', { error: 'Prometheus did not answer: connect ECONNREFUSED' }, { error: 'no series with version="v1.2.0"' }],
    ]);
    expect(report.decision).toEqual({
      severity: 'CRITICAL',
      response: 'rollback_immediately',
      why: 'error rate is 0.124, outside ≤ 0.001 (critical) and 1 more breached',
    });
    expect(new Set(querier.asked.map((a) => a.at))).toEqual(new Set([NOW.toISOString(), FAILED.createdAt]));
  });

  it.each([
    [
      'no version label: the worst series against a max',
      {
        series: [
          { labels: {}, value: 0.2 },
          { labels: {}, value: 0.5 },
        ],
      },
      undefined,
      { max: 1 },
      { value: 0.5 },
    ],
    [
      'no version label: the worst series against a min',
      {
        series: [
          { labels: {}, value: 0.2 },
          { labels: {}, value: 0.5 },
        ],
      },
      undefined,
      { min: 0.1 },
      { value: 0.2 },
    ],
    ['the version label picks the version', byVersion(7, 1), 'version', { max: 1 }, { value: 7 }],
    [
      'a version without series is unknown',
      { series: [{ labels: { version: 'v9' }, value: 1 }] },
      'version',
      { max: 1 },
      { error: 'no series with version="v1.2.1"' },
    ],
    ['no series at all is unknown', { series: [] }, undefined, { max: 1 }, { error: 'no data: the query returned no series' }],
    [
      'NaN is unknown, not a number that passes',
      { series: [{ labels: {}, value: Number.NaN }] },
      undefined,
      { max: 1 },
      { error: 'the query returned NaN (e.g. a ratio with no requests)' },
    ],
    [
      'an error stays the error',
      { error: 'Prometheus refused the query: parse error' },
      undefined,
      { max: 1 },
      { error: 'Prometheus refused the query: parse error' },
    ],
  ] as const)('pick: %s', (_name, answer, label, threshold, expected) => {
    expect(pick(answer as QueryAnswer, threshold, label, 'v1.2.1')).toEqual(expected);
  });
});

const measured = (status: Measurement['status'], severity: Measurement['severity'], name = `${severity} ${status}`): Measurement => ({
  name,
  kind: 'error_rate',
  severity,
  query: 'q',
  threshold: '≤ 1',
  now: status === 'unknown' ? { error: 'down' } : { value: status === 'breached' ? 2 : 0.5 },
  before: { value: 0.1 },
  status,
});

describe('the severity matrix from measurements', () => {
  it.each([
    ['a critical breach', [measured('breached', 'high'), measured('breached', 'critical')], 'CRITICAL', 'rollback_immediately'],
    ['a high breach', [measured('breached', 'high'), measured('ok', 'critical')], 'HIGH', 'prompt'],
    ['a medium breach', [measured('breached', 'medium')], 'MEDIUM', 'log'],
    ['a low breach', [measured('breached', 'low')], 'LOW', 'log'],
    ['no breach but an unknown: a person decides, never healthy', [measured('ok', 'critical'), measured('unknown', 'low')], 'HIGH', 'prompt'],
    ['every query within its threshold', [measured('ok', 'critical'), measured('ok', 'high')], 'LOW', 'log'],
  ] as const)('%s → %s, %s', (_name, measurements, severity, response) => {
    expect(decideFromMeasurements([...measurements])).toMatchObject({ severity, response });
  });

  it.each([
    ['a title naming a signal wins over urgency', 'checkout health check failing', 'low', 'CRITICAL', 'rollback_immediately'],
    ['an unclassified title, high urgency: a person decides', 'checkout is weird', 'high', 'HIGH', 'prompt'],
    ['an unclassified title, low urgency: logged', 'checkout is weird', 'low', 'LOW', 'log'],
    ['an unclassified title, no urgency: a person decides', 'checkout is weird', undefined, 'HIGH', 'prompt'],
  ] as const)('without detection queries, the incident itself: %s', (_name, title, urgency, severity, response) => {
    expect(decideFromIncident(title, urgency)).toMatchObject({ severity, response });
  });

  it('the title fallback now reads "5xx rate" as an error rate (it came out unclassified before)', () => {
    expect(decide(classify('checkout 5xx rate above 5 %'))).toMatchObject({ severity: 'HIGH', response: 'prompt' });
  });
});

describe('the plan shows detection', () => {
  const report = {
    measuredAt: NOW.toISOString(),
    beforeAt: FAILED.createdAt,
    versionLabel: 'version',
    failedVersion: 'v1.2.1',
    targetVersion: 'v1.2.0',
    measurements: [
      { ...measured('ok', 'medium', 'CPU'), kind: 'saturation' as const, threshold: '≤ 0.8', now: { value: 0.42 }, before: { value: 0.4 } },
      {
        ...measured('unknown', 'high', 'p99 latency'),
        kind: 'latency' as const,
        threshold: '≤ 100',
        unit: 'ms',
        now: { error: 'no series with version="v1.2.1"' },
        before: { value: 84 },
      },
      { ...measured('breached', 'critical', 'error rate'), threshold: '≤ 0.001', now: { value: 0.124 }, before: { value: 0.0002 } },
    ],
    decision: { severity: 'CRITICAL' as const, response: 'rollback_immediately' as const, why: 'error rate is 0.124, outside ≤ 0.001 (critical)' },
  };

  it('in Slack: breached first, unknown never shown as ok', () => {
    expectGolden('plan-detection-blocks.json', detectionBlocks(report));
  });

  it('in the Markdown plan, right after the header, through the API view', () => {
    const run = makeRun({ plan: { detection: report } });
    const text = renderPlanMarkdown(runViewSchema.parse(JSON.parse(JSON.stringify(runView(run, [])))));
    expect(text.indexOf('## Issue Detection')).toBeLessThan(text.indexOf('## Safety Checks'));
    expect(text).toContain('| ❌ breached | error rate | critical | 0.124 | ≤ 0.001 | 0.0002 |');
    expect(text).toContain('| ❔ unknown | p99 latency | high | unknown (no series with version="v1.2.1") | ≤ 100ms | 84ms |');
    expectGolden('plan-detection.md', text);
  });
});
