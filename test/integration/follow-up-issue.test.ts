// FollowUpIssueSubscriber against the GitHub emulator: once per run even when an earlier attempt
// created the issue and stopped before recording it (found by its marker, not created again), and a
// GitHub refusal surfaces as an error for the event fan-out to log (the run itself is never failed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubIssues } from '../../src/adapters/github/github-issues.js';
import { parseCatalog } from '../../src/config/catalog.js';
import { FollowUpIssueSubscriber, followUpMarker } from '../../src/core/follow-up/follow-up-issue.js';
import type { Run, TimelineEvent } from '../../src/core/model.js';
import { startFakeGitHub, type FakeGitHub } from '../../sandbox/github/fake-github.js';
import { makeRun } from '../support/builders.js';

const TOKEN = 'ghp_followUpIntegration0123456789';
const catalog = parseCatalog(
  `
services:
  checkout:
    command: { rollback: ["./rollback.sh"] }
    approvals: { approvers: [U0APPROVE] }
    followUp: { github: { repo: shop/checkout } }
requireReasonIn: []
`,
  'smartspec.yml',
);

let gh: FakeGitHub;
let timeline: TimelineEvent[];
let notes: string[];
const run: Run = makeRun({ id: 'rb-follow1', status: 'succeeded' });

function subscriber() {
  return new FollowUpIssueSubscriber({
    tracker: new GitHubIssues({ token: TOKEN, apiUrl: gh.apiUrl }),
    store: {
      getRun: async (id) => (id === run.id ? run : undefined),
      timeline: async (id) => timeline.filter((e) => e.runId === id),
      appendTimeline: async (e) => {
        timeline.push(e);
      },
    },
    chat: {
      postThreadNote: async (_run, text) => {
        notes.push(text);
      },
      permalink: async () => 'https://slack.example/archives/C0INCIDENTS/p1',
    },
    catalog,
    clock: { now: () => new Date('2026-11-20T11:00:00Z') },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
}

const succeeded = { type: 'succeeded' as const, runId: run.id, at: '2026-11-20T11:00:00Z', toVersion: 'v1.2.0' };

beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN, repos: ['shop/checkout'] });
  timeline = [];
  notes = [];
});
afterEach(() => gh.close());

describe('FollowUpIssueSubscriber', () => {
  it('finds the issue an earlier attempt created (by its marker) instead of opening a second one', async () => {
    await new GitHubIssues({ token: TOKEN, apiUrl: gh.apiUrl }).createIssue(
      'shop/checkout',
      { title: 'earlier attempt', body: `report\n${followUpMarker(run.id)}`, labels: ['smartspec-rollback'] },
      AbortSignal.timeout(5_000),
    );
    await subscriber().handle(succeeded, run);
    expect(gh.issues).toHaveLength(1);
    expect(timeline.map((e) => e.detail)).toEqual(['found shop/checkout#1: https://github.example/shop/checkout/issues/1']);
    expect(notes).toEqual(['Follow-up issue with the root-cause report: https://github.example/shop/checkout/issues/1']);
  });

  it('opens one, records it, and is a no-op for the same run afterwards; ignores events that are not an outcome', async () => {
    await subscriber().handle({ type: 'verifying', runId: run.id, at: succeeded.at }, run);
    expect(gh.issues).toHaveLength(0);
    await subscriber().handle(succeeded, run);
    await subscriber().handle(succeeded, run);
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.body).toContain('Slack thread: https://slack.example/archives/C0INCIDENTS/p1');
    expect(timeline.filter((e) => e.type === 'follow_up_issue')).toHaveLength(1);
  });

  it('a GitHub refusal is an error naming the fix, and nothing is recorded', async () => {
    gh.failNext(403);
    await expect(subscriber().handle(succeeded, run)).rejects.toThrow(/HTTP 403.*Issues write/);
    expect(timeline).toEqual([]);
  });
});
