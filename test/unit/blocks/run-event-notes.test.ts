// Every run event as the plan's thread shows it: words, emoji, mentions, places. Goldens hold the
// exact rendering; the events that only move the plan message have no note.
import { describe, expect, it } from 'vitest';
import { renderRunEventNote } from '../../../src/adapters/slack/blocks/run-event-notes.js';
import type { ComponentPlace, RunEvent, RunEventType, StepRef } from '../../../src/core/coordinator/run-events.js';
import { validateBlocks } from '../../../sandbox/slack/block-kit-limits.js';
import { at, makeActor, makeRun } from '../../support/builders.js';
import { expectGolden } from '../../support/golden.js';

const run = makeRun({ status: 'executing', message: { channel: 'C0INCIDENTS', ts: '1700000000.000100' } });
const base = { runId: run.id, at: at(3) };
const approver = makeActor({ id: 'U0APPROVE', name: 'bob' });
const step1: StepRef = { index: 1, component: 'checkout-api', description: 'Roll checkout-api back to v1.2.0' };
const step2: StepRef = { index: 2, component: 'checkout-worker', description: 'Roll checkout-worker back to v1.2.0' };
const places: ComponentPlace[] = [
  { component: 'checkout-api', images: ['registry.example/checkout-api:v1.2.0'], revision: 5, at: 'target' },
  { component: 'checkout-worker', images: ['registry.example/checkout-worker:v1.2.1'], revision: 4, at: 'start', rolloutInProgress: true },
];

/** One or more examples of every event type that says something in the thread. */
const NOTES: Array<[string, RunEvent]> = [
  [
    'planned-retry',
    { ...base, type: 'planned', actor: approver, status: 'awaiting_approval', approvers: [], supersedes: { runId: 'rb-old1', why: 'retry' } },
  ],
  [
    'planned-drift',
    { ...base, type: 'planned', actor: makeActor(), status: 'awaiting_approval', approvers: [], supersedes: { runId: 'rb-old1', why: 'drift' } },
  ],
  ['rejected', { ...base, type: 'rejected', actor: approver, reason: 'wait for the DB team <!channel>' }],
  ['rejected-no-reason', { ...base, type: 'rejected', actor: approver }],
  ['step-failed', { ...base, type: 'step_failed', step: step1, of: 2, error: 'progress deadline exceeded', notDone: [step2] }],
  ['failed-verification', { ...base, type: 'failed', cause: 'verification_failed', error: '1 check failed', components: places }],
  [
    'failed-internal',
    { ...base, type: 'failed', cause: 'internal_error', error: 'the Kubernetes API did not answer', errorId: 'err-7f3a', components: [] },
  ],
  ['cancel-requested', { ...base, type: 'cancel_requested', actor: approver }],
  [
    'cancelled-withdrawn',
    {
      ...base,
      type: 'cancelled',
      actor: makeActor(),
      was: 'awaiting_approval',
      why: 'requested',
      stepsDone: [],
      stepsNotDone: [step1, step2],
      components: [],
    },
  ],
  [
    'cancelled-stopped',
    {
      ...base,
      type: 'cancelled',
      actor: approver,
      was: 'executing',
      why: 'requested',
      stepsDone: [step1],
      stepsNotDone: [step2],
      components: places,
    },
  ],
  [
    'cancelled-before-any-step',
    {
      ...base,
      type: 'cancelled',
      actor: { kind: 'api', id: 'api-token', name: 'CI' },
      was: 'executing',
      why: 'requested',
      stepsDone: [],
      stepsNotDone: [step1, step2],
      components: [],
    },
  ],
  [
    'cancelled-not-shown',
    {
      ...base,
      type: 'cancelled',
      actor: { kind: 'system', id: 'smartspec-rollback' },
      was: 'awaiting_approval',
      why: 'not_shown',
      stepsDone: [],
      stepsNotDone: [],
      components: [],
    },
  ],
  [
    'reminder',
    {
      ...base,
      type: 'reminder_due',
      approvers: [
        { kind: 'user', id: 'U0APPROVE' },
        { kind: 'user_group', id: 'S0ONCALL' },
      ],
      missing: 1,
      waitedMinutes: 5,
      expiresAt: at(15),
    },
  ],
  ['resumed', { ...base, type: 'resumed', was: 'executing', fromStep: step2, stepsDone: [step1], components: places }],
  ['resumed-to-verification', { ...base, type: 'resumed', was: 'verifying', stepsDone: [step1, step2], components: [] }],
  [
    'interrupted',
    {
      ...base,
      type: 'interrupted',
      was: 'executing',
      found: ['checkout-worker runs registry.example/checkout-worker:v9: neither what the plan found nor the target'],
      stepsDone: [step1],
      stepsNotDone: [step2],
      components: [places[0]!, { component: 'checkout-worker', images: ['registry.example/checkout-worker:v9'], at: 'elsewhere' }],
    },
  ],
  ['drifted', { ...base, type: 'drifted', changes: ['checkout-api now runs registry.example/checkout-api:v1.3.0 (the plan saw v1.2.1)'] }],
  ['replanned-retry', { ...base, type: 'replanned', newRunId: 'rb-new1', why: 'retry', actor: approver }],
  ['replanned-drift', { ...base, type: 'replanned', newRunId: 'rb-new1', why: 'drift', actor: makeActor() }],
  ['replan-failed', { ...base, type: 'replan_failed', why: 'retry', error: 'Another rollback of checkout is active.' }],
  ['incident-progress', { ...base, type: 'incident_progress', incidentId: 'PINC123', change: 'acknowledged', by: 'Dana', occurredAt: at(2) }],
];

/** Events the plan message shows by itself: no thread line. */
const PLAN_ONLY: RunEvent[] = [
  { ...base, type: 'planned', actor: makeActor(), status: 'awaiting_approval', approvers: [{ kind: 'user', id: 'U0APPROVE' }] },
  { ...base, type: 'approval_recorded', actor: approver, missing: 1 },
  { ...base, type: 'approved', actor: approver, approvals: ['U0APPROVE'], automatic: false },
  { ...base, type: 'execution_started', components: ['checkout-api'], steps: [step1] },
  { ...base, type: 'step_started', step: step1, of: 2 },
  { ...base, type: 'step_done', step: step1, of: 2, detail: 'ok' },
  { ...base, type: 'verifying' },
  { ...base, type: 'verified', phase: 'Succeeded', passed: 3, failed: 0 },
  { ...base, type: 'succeeded', toVersion: 'v1.2.0' },
  { ...base, type: 'expired', expiresAt: at(15) },
  { ...base, type: 'reshown' },
  { ...base, type: 'reports_ready', verification: true, rootCause: true },
];

describe('run event notes in the thread', () => {
  it.each(NOTES)('%s', (name, event) => {
    const note = renderRunEventNote(
      event,
      run,
      name === 'replanned-retry' ? { newPlan: 'https://slack.example/archives/C0INCIDENTS/p1700000001000200' } : {},
    );
    expect(note).toBeDefined();
    expectGolden(`thread-note-${name}.json`, note);
    expect(validateBlocks(note!.blocks, 'message')).toEqual([]);
    expect(note!.text.length).toBeGreaterThan(0);
    expect(note!.text).not.toMatch(/:[a-z_]+:/);
  });

  it.each(PLAN_ONLY.map((e) => [e.type, e] as const))('%s adds no thread line (the plan message shows it)', (_type, event) => {
    expect(renderRunEventNote(event, run)).toBeUndefined();
  });

  it('covers every event type', () => {
    const covered = new Set<RunEventType>([...NOTES.map(([, e]) => e.type), ...PLAN_ONLY.map((e) => e.type)]);
    const all: Record<RunEventType, true> = {
      planned: true,
      approval_recorded: true,
      approved: true,
      rejected: true,
      execution_started: true,
      step_started: true,
      step_done: true,
      step_failed: true,
      verifying: true,
      verified: true,
      succeeded: true,
      failed: true,
      cancel_requested: true,
      cancelled: true,
      expired: true,
      reminder_due: true,
      resumed: true,
      interrupted: true,
      drifted: true,
      replanned: true,
      replan_failed: true,
      reshown: true,
      incident_progress: true,
      reports_ready: true,
    };
    expect([...covered].sort()).toEqual(Object.keys(all).sort());
  });

  it('mentions approvers as people and user groups, and reminds them in words', () => {
    const note = renderRunEventNote(NOTES.find(([n]) => n === 'reminder')![1], run)!;
    const text = JSON.stringify(note.blocks);
    expect(text).toContain('<@U0APPROVE>');
    expect(text).toContain('<!subteam^S0ONCALL>');
    expect(note.text).toContain('<@U0APPROVE>');
  });

  it('says which components were left where when a run is stopped', () => {
    const text = JSON.stringify(renderRunEventNote(NOTES.find(([n]) => n === 'cancelled-stopped')![1], run)!.blocks);
    expect(text).toMatch(/checkout-api\* — :white_check_mark: at the rollback target/);
    expect(text).toMatch(/checkout-worker\* — :leftwards_arrow_with_hook: as before the rollback/);
    expect(text).toContain('Step 1 done; step 2 not done.');
  });

  it('keeps text from outside as text: no mentions or links smuggled in', () => {
    const text = JSON.stringify(renderRunEventNote({ ...base, type: 'drifted', changes: ['<!channel> <https://evil.example|click>'] }, run)!.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('stays within Slack limits with enormous findings', () => {
    const long = 'x'.repeat(4000);
    const note = renderRunEventNote(
      {
        ...base,
        type: 'interrupted',
        was: 'executing',
        found: Array.from({ length: 30 }, () => long),
        stepsDone: [],
        stepsNotDone: [],
        components: [],
      },
      run,
    )!;
    expect(validateBlocks(note.blocks, 'message')).toEqual([]);
  });
});
