import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/core/report/durations.js';
import { buildRunTimeline } from '../../src/core/report/run-timeline.js';
import { summariseVerification } from '../../src/core/report/verification-summary.js';
import { makeRun } from '../support/builders.js';
import { finishedEvents, finishedRun, INCIDENT, t, withRecords } from './report-fixtures.js';

const cluster = { failedImages: ['registry.example/checkout-api:v1.2.1'], pods: [], warnings: [], logs: [] };

describe('formatDuration', () => {
  it.each([
    [400, '0.4s'],
    [3_200, '3.2s'],
    [12_000, '12s'],
    [60_000, '1m 0s'],
    [112_000, '1m 52s'],
    [8_100_000, '2h 15m'],
    [90_000_000, '1d 1h'],
    [-2_000, '-2.0s'],
    [Number.NaN, '?'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('buildRunTimeline', () => {
  it('tells deployed → incident → requested → approved → executed → verified with every duration', () => {
    const run = finishedRun(withRecords(cluster, { incident: INCIDENT }));
    const tl = buildRunTimeline(run, finishedEvents());
    expect(tl.milestones.map((m) => m.kind)).toEqual([
      'deployed',
      'incident',
      'incident',
      'requested',
      'approval',
      'approved',
      'executing',
      'verifying',
      'succeeded',
    ]);
    expect(tl.milestones[1]?.label).toBe('incident triggered: checkout 5xx rate above 5% for 3 minutes');
    expect(Object.fromEntries(tl.phases.map((p) => [p.name, p.ms]))).toEqual({
      Decision: 40_000,
      'Pre-checks': 2_000,
      Rollback: 36_000,
      Verification: 6_000,
    });
    expect(tl.detectedBy).toBe('incident');
    expect(tl.timeToDetectMs).toBe(Date.parse(t('10:41:05')) - Date.parse(t('10:30:00')));
    expect(tl.timeToRecoverMs).toBe(Date.parse(t('10:44:54')) - Date.parse(t('10:30:00')));
    expect(tl.detectionToRecoveryMs).toBe(Date.parse(t('10:44:54')) - Date.parse(t('10:41:05')));
    expect(tl.totalMs).toBe(84_000);
    expect(tl.steps).toEqual([
      { index: 1, component: 'checkout-api', description: 'Roll checkout-api back to v1.2.0 (revision 2)', status: 'done', ms: 36_000 },
    ]);
  });

  it('detects from the request when there is no incident, and works from the run alone', () => {
    const tl = buildRunTimeline(finishedRun(withRecords(cluster)));
    expect(tl.detectedBy).toBe('request');
    expect(tl.timeToDetectMs).toBe(Date.parse(t('10:43:30')) - Date.parse(t('10:30:00')));
    // Without events the approval's own time stands in for "approved".
    expect(tl.phases.find((p) => p.name === 'Decision')?.ms).toBe(40_000);
    expect(tl.recoveredAt).toBe(t('10:44:54'));
  });

  it('detects from the PagerDuty trigger the plan recorded when the incident log was not collected', () => {
    const base = finishedRun(withRecords(cluster));
    const run = { ...base, plan: { ...base.plan, incident: { id: 'PX1', title: 'checkout 5xx', triggeredAt: t('10:40:00') } } };
    const tl = buildRunTimeline(run);
    expect(tl.detectedBy).toBe('incident');
    expect(tl.timeToDetectMs).toBe(10 * 60_000);
    expect(tl.milestones.find((m) => m.kind === 'incident')?.label).toBe('incident triggered: checkout 5xx');
  });

  it('has no time to recover when the rollback did not succeed, and no deploy time without records', () => {
    const failed = finishedRun(undefined, {
      status: 'failed',
      verification: undefined,
      stepResults: [{ index: 1, status: 'failed', startedAt: t('10:44:12'), finishedAt: t('10:45:00'), detail: 'progress deadline exceeded' }],
    });
    const tl = buildRunTimeline(failed);
    expect(tl.timeToRecoverMs).toBeUndefined();
    expect(tl.timeToDetectMs).toBeUndefined();
    expect(tl.phases.find((p) => p.name === 'Rollback')?.ms).toBe(48_000);
    expect(tl.phases.find((p) => p.name === 'Verification')?.ms).toBeUndefined();
  });

  it('records a rejection and its time, and no execution', () => {
    const run = makeRun({ status: 'rejected' });
    const events = [
      { runId: run.id, at: run.createdAt, actor: run.requestedBy, type: 'requested', detail: '' },
      { runId: run.id, at: t('10:05:00'), actor: { kind: 'slack_user' as const, id: 'U0APPROVE', name: 'bob' }, type: 'rejected', detail: 'no' },
    ];
    const tl = buildRunTimeline(run, events);
    expect(tl.milestones.map((m) => [m.kind, m.label])).toEqual([
      ['requested', 'rollback requested by alice'],
      ['rejected', 'rejected by bob'],
    ]);
    expect(tl.phases.every((p) => p.ms === undefined)).toBe(true);
  });
});

describe('summariseVerification', () => {
  it('separates the rollout, the checks and what was not checked, and sums ready replicas', () => {
    const v = summariseVerification(finishedRun(undefined));
    expect(v.outcome).toBe('passed');
    expect(v.rollout.map((c) => c.name)).toEqual(['rollout checkout-api']);
    expect(v.checks.map((c) => c.name)).toEqual(['http http://checkout.shop.svc/healthz']);
    expect(v.notChecked).toEqual([{ name: 'smoke commands', why: 'no smoke commands are configured (verification.commands)' }]);
    expect(v.replicas).toEqual({ ready: 3, desired: 3 });
    expect(v.durationMs).toBe(6_000);
  });

  it.each([
    [
      'a failed step',
      finishedRun(undefined, {
        status: 'failed',
        verification: undefined,
        stepResults: [{ index: 1, status: 'failed', startedAt: t('10:44:12'), detail: 'boom' }],
      }),
      /stopped at step 1 \(boom\)/,
    ],
    ['a rejection', makeRun({ status: 'rejected' }), /rejected: nothing was executed/],
    ['a dry run', makeRun({ status: 'planned', plan: { dryRun: true } }), /dry run/],
    ['an interruption', makeRun({ status: 'interrupted' }), /bot stopped/],
  ])('says why nothing was verified after %s', (_name, run, why) => {
    const v = summariseVerification(run);
    expect(v.outcome).toBe('not_run');
    expect(v.notRunReason).toMatch(why);
  });
});
