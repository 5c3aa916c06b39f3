import { describe, expect, it } from 'vitest';
import { renderMarkdownReport } from '../../src/core/report/markdown-report.js';
import { followUps } from '../../src/core/report/follow-ups.js';
import { renderTreeSummary } from '../../src/core/report/tree-summary.js';
import { statusReportText } from '../../src/core/report/run-report.js';
import { makeRun } from '../support/builders.js';
import { expectGolden } from '../support/golden.js';
import { finishedEvents, finishedRun, RICH_EVIDENCE, t, withRecords } from './report-fixtures.js';

describe('Markdown report', () => {
  it('follows the template: incident, time, type, versions, duration, impact, verification, root cause, timeline, follow-ups', () => {
    const md = renderMarkdownReport(finishedRun(RICH_EVIDENCE), finishedEvents());
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Rollback report: checkout v1.2.1 → v1.2.0',
      '## Impact',
      '## Verification',
      '## Root cause',
      '### Pods of the failed version',
      '### Warning events',
      '### Last log lines of crashed containers',
      '### Incident `PINC123`',
      '## What changed (v1.2.0 → v1.2.1)',
      '## Timeline',
      '## Follow-ups',
    ]);
    for (const key of ['Incident', 'Time', 'Type', 'Previous version', 'Target version', 'Duration', 'Impact', 'Verification', 'Root cause'])
      expect(md).toContain(`- **${key}:** `);
    expectGolden('report-rich.md', md);
  });

  it('keeps outside text as text: no HTML, no broken tables, no escaping code fence', () => {
    const md = renderMarkdownReport(
      finishedRun(RICH_EVIDENCE, { plan: { ...finishedRun(undefined).plan, reason: 'boom <script>alert(1)</script> | col' } }),
      finishedEvents(),
    );
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<b>');
    expect(md).toContain('quota \\| exceeded &lt;b&gt;');
    expect(md).toContain('````text\n');
  });

  it('names the top cause, and derives the follow-ups from the causes found', () => {
    const run = finishedRun(RICH_EVIDENCE);
    expect(run.rootCause?.causes[0]?.kind).toBe('config_change');
    expect(followUps(run)[0]).toBe(
      'Restore the missing env var(s) `FEATURE_FLAGS_URL` in the deployment config, or make the code work without them.',
    );
    expect(followUps(run).join('\n')).toContain('Fix the startup error quoted in the last log lines');
  });

  it('says "no cause identified" and suggests where to look instead', () => {
    const run = finishedRun(withRecords({ failedImages: [], pods: [], warnings: [], logs: [] }));
    const md = renderMarkdownReport(run, finishedEvents());
    expect(md).toContain('**No cause identified.**');
    expect(md).toContain('- **Root cause:** no cause identified from the evidence');
    expect(followUps(run).join('\n')).toContain('No cause was identified');
  });

  it('says when the cluster could not be read, and when the deploy time is unknown', () => {
    const run = finishedRun({ failedImages: [], pods: [], warnings: [], logs: [] });
    const md = renderMarkdownReport(run, finishedEvents());
    expect(md).toContain('could not be collected before the rollback; what follows rests on the deployment records only');
    expect(md).toContain("- Time to recover: unknown: the failed deploy's time is not recorded (verified 2026-11-20 10:44:54 UTC)");
    expect(md).toContain('- **Impact:** checkout production ran v1.2.1 until 2026-11-20 10:44:54 UTC (deploy time not recorded)');
  });

  it.each([
    [
      'failed-step',
      finishedRun(RICH_EVIDENCE, {
        status: 'failed',
        verification: undefined,
        stepResults: [
          { index: 1, status: 'failed', startedAt: t('10:44:12'), finishedAt: t('10:54:12'), detail: 'checkout-api exceeded its progress deadline' },
        ],
      }),
    ],
    ['rejected', makeRun({ status: 'rejected' })],
    [
      'verification-failed',
      finishedRun(RICH_EVIDENCE, {
        status: 'failed',
        verification: {
          ...finishedRun(undefined).verification!,
          phase: 'Failed',
          checks: [
            {
              name: 'http http://checkout.shop.svc/healthz',
              phase: 'failed',
              measured: 'HTTP 503',
              threshold: 'HTTP 200',
              durationMs: 20_000,
              detail: 'no 200 within the verification timeout',
            },
          ],
        },
      }),
    ],
  ])('renders a %s run honestly', (name, run) => {
    const md = renderMarkdownReport(run, []);
    expectGolden(`report-${name}.md`, md);
    if (name !== 'verification-failed') expect(md).toContain('Not run:');
    else expect(md).toContain('Verification failed: check checkout by hand now');
  });
});

describe('tree summary (CLI)', () => {
  it('prints the run as a tree with timings, like the smart-rollback output', () => {
    const tree = renderTreeSummary(finishedRun(RICH_EVIDENCE), finishedEvents());
    expectGolden('report-rich-tree.txt', `${tree}\n`);
    const lines = tree.split('\n');
    expect(lines[0]).toBe('🔄 Rollback checkout v1.2.1 → v1.2.0 (rb-fixture01)');
    expect(lines.at(-1)).toBe('└── Result: ROLLBACK SUCCESS ✓');
    expect(tree).toContain('│   ├── Decision: 40s');
    expect(tree).toContain('│   └── Time to recover: 14m 54s (deployed → verified)');
    expect(lines.every((l) => l.length <= 200)).toBe(true);
  });

  it('folds what passed in the compact tree `status <run-id>` shows, keeping warnings, causes and timings', () => {
    const text = statusReportText(finishedRun(RICH_EVIDENCE), finishedEvents());
    expect(text.startsWith('```\n🔄 Rollback checkout')).toBe(true);
    for (const expected of [
      'capacity: ⚠ checkout-worker has 1 of 2 replicas ready.',
      '1 passed ✓',
      '2 check(s) passed',
      '1. [high] The configuration changed',
      'Time to recover: 14m 54s',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain('migrations: ✓');
    expect(text).not.toContain('truncated');
  });

  it('fits `status <run-id>` in one Slack message and points to the full report', () => {
    const huge = finishedRun(RICH_EVIDENCE, {
      plan: {
        ...finishedRun(undefined).plan,
        checks: Array.from({ length: 80 }, (_, i) => ({ id: `check-${i}`, outcome: 'warn' as const, message: 'x'.repeat(150) })),
      },
    });
    const text = statusReportText(huge, finishedEvents());
    expect(text.length).toBeLessThanOrEqual(2900);
    expect(text).toContain('… (truncated: see the full report)');
    expect(text).toMatch(/GET \/api\/v1\/rollbacks\/rb-fixture01\/report`$/);
  });
});
