// The audit of a stopped, resumed or retried run in the Markdown report and the CLI's tree: who asked,
// what was found, which run it came from — in plain text, without Slack syntax.
import { describe, expect, it } from 'vitest';
import { renderMarkdownReport } from '../../src/core/report/markdown-report.js';
import { buildRunTimeline } from '../../src/core/report/run-timeline.js';
import { renderTreeSummary } from '../../src/core/report/tree-summary.js';
import type { Actor, TimelineEvent } from '../../src/core/model.js';
import { at, makeActor, makeEvent, makeRun } from '../support/builders.js';
import { expectGolden } from '../support/golden.js';

const SYSTEM: Actor = { kind: 'system', id: 'smartspec-rollback' };
const bob = makeActor({ id: 'U0APPROVE', name: 'bob' });
const ev = (minutes: number, type: string, detail: string, actor: Actor = SYSTEM): TimelineEvent =>
  makeEvent({ at: at(minutes), type, detail, actor });

const stoppedRun = makeRun({
  status: 'cancelled',
  approvals: [{ userId: 'U0APPROVE', at: at(6) }],
  stepResults: [{ index: 1, status: 'done', startedAt: at(7), finishedAt: at(8), detail: 'checkout-api rolled back' }],
  plan: { supersedes: { runId: 'rb-old1', why: 'retry' } },
});
const stoppedEvents: TimelineEvent[] = [
  ev(0, 'requested', 'v1.2.1 → v1.2.0 (full), risk MEDIUM, in C0INCIDENTS', makeActor()),
  ev(5, 'reminded', 'waiting 5 min for 1 approval(s)'),
  ev(6, 'approval', 'approved the plan', bob),
  ev(6, 'approved', 'approvals: U0APPROVE', bob),
  ev(7, 'executing', 'execution started'),
  ev(7.1, 'step_started', 'step 1: Roll checkout-api back to v1.2.0'),
  ev(7.5, 'cancel_requested', 'asked to stop before the next step', bob),
  ev(8, 'step_done', 'step 1: checkout-api rolled back'),
  ev(8.1, 'cancelled', 'stopped after step 1; not done: 2', bob),
  ev(9, 'retried', 'planned again as rb-new1', makeActor()),
];

describe('run control in the report', () => {
  it('tells reminder, stop request, stop, and both retry links in order', () => {
    const labels = buildRunTimeline(stoppedRun, stoppedEvents).milestones.map((m) => `${m.kind}: ${m.label}`);
    expect(labels).toEqual([
      'requested: rollback requested by alice (retry of run rb-old1)',
      'reminded: approvers reminded (waiting 5 min for 1 approval(s))',
      'approval: approval by bob',
      'approved: approved',
      'executing: rollback executing',
      'cancel_requested: stop requested by bob',
      'cancelled: cancelled by bob: stopped after step 1; not done: 2',
      'replanned: retried by alice: planned again as rb-new1',
    ]);
  });

  it('says where a resumed run went on from, and what an interrupted one found', () => {
    const resumed = buildRunTimeline(makeRun({ status: 'succeeded' }), [
      ev(0, 'requested', 'x', makeActor()),
      ev(3, 'resumed', 'the previous owner stopped: going on from step 2'),
    ]);
    expect(resumed.milestones.map((m) => m.label)).toContain('resumed after the bot stopped: going on from step 2');
    const interrupted = buildRunTimeline(makeRun({ status: 'interrupted' }), [
      ev(0, 'requested', 'x', makeActor()),
      ev(3, 'interrupted', 'the previous owner stopped mid-execution and the cluster moved: checkout-worker runs v9'),
    ]);
    expect(interrupted.milestones.at(-1)?.label).toBe(
      'interrupted: the previous owner stopped mid-execution and the cluster moved: checkout-worker runs v9',
    );
  });

  it('renders the stopped run as Markdown without Slack syntax', () => {
    const md = renderMarkdownReport(stoppedRun, stoppedEvents);
    expectGolden('report-stopped.md', md);
    expect(md).not.toMatch(/<[@#!]|:[a-z_]+:(\s|$)/);
    expect(renderTreeSummary(stoppedRun, stoppedEvents)).not.toMatch(/<[@#!]/);
  });
});
