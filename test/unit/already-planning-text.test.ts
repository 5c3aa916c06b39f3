// What a person who asks for a rollback already being planned is told (ephemeral, in Slack words).
import { describe, expect, it } from 'vitest';
import { alreadyPlanning } from '../../src/adapters/slack/listeners/rollback-command.js';
import { makeRun } from '../support/builders.js';

describe('alreadyPlanning', () => {
  it('points at the plan in progress: who asked, which run, its versions and state, and how to follow it', () => {
    const run = makeRun({ id: 'rb-abc123', status: 'awaiting_approval', requestedBy: { kind: 'slack_user', id: 'U0ALICE', name: 'alice' } });
    const text = alreadyPlanning(run);
    expect(text).toContain('<@U0ALICE> asked for this a moment ago');
    expect(text).toContain(`*${run.plan.service}*`);
    expect(text).toContain(`${run.plan.fromVersion} → ${run.plan.toVersion}`);
    expect(text).toContain('`rb-abc123`');
    expect(text).toContain('waiting for approval');
    expect(text).toContain('No second plan was made');
    expect(text).toContain('`/smartspec_rollback status rb-abc123`');
  });

  it('says a blocked plan is blocked, and names a non-Slack requester without markup', () => {
    const text = alreadyPlanning(makeRun({ status: 'blocked', requestedBy: { kind: 'pagerduty', id: 'P1', name: 'PD incident' } }));
    expect(text).toContain(', blocked.');
    expect(text).toContain('PagerDuty (PD incident) asked for this');
    expect(text).not.toContain('<@');
  });
});
