import { describe, expect, it } from 'vitest';
import { renderPlanBlocks, type PlanContext } from '../../../src/adapters/slack/blocks/plan-blocks.js';
import type { Run, RunStatus } from '../../../src/core/model.js';
import { renderRootCauseBlocks } from '../../../src/adapters/slack/blocks/root-cause-blocks.js';
import { renderVerificationBlocks } from '../../../src/adapters/slack/blocks/verification-blocks.js';
import { validateBlocks } from '../../../sandbox/slack/block-kit-limits.js';

const checkBlockKitMessage = ({ blocks }: { blocks: unknown }) => validateBlocks(blocks, 'message');
import { at, makeRun, T0 } from '../../support/builders.js';
import { expectGolden } from '../../support/golden.js';

const now = new Date(at(2));

describe('plan blocks', () => {
  it.each([
    ['awaiting', makeRun({ approvals: [{ userId: 'U0FIRST', at: at(1) }], plan: { requiredApprovals: 2, risk: 'HIGH' } })],
    [
      'blocked',
      makeRun({
        status: 'blocked',
        plan: { checks: [{ id: 'migrations', outcome: 'block', message: 'Migration m1 has no down migration.' }], risk: 'CRITICAL' },
      }),
    ],
    ['dry-run', makeRun({ status: 'planned', plan: { dryRun: true } })],
    [
      'executing',
      makeRun({
        status: 'executing',
        approvals: [{ userId: 'U0APPROVE', at: at(1) }],
        stepResults: [
          { index: 1, status: 'done', startedAt: at(1), finishedAt: new Date(Date.parse(at(1)) + 12_300).toISOString(), detail: 'ok' },
          { index: 2, status: 'running', startedAt: at(1.5), detail: 'rolling' },
        ],
      }),
    ],
    ['succeeded', makeRun({ status: 'succeeded', approvals: [{ userId: 'U0APPROVE', at: at(1) }] })],
    ['rejected', makeRun({ status: 'rejected' })],
    [
      'awaiting-approvers',
      makeRun({ plan: { supersedes: { runId: 'rb-old1', why: 'retry' } } }),
      {
        approvers: [
          { kind: 'user', id: 'U0APPROVE' },
          { kind: 'user_group', id: 'S0ONCALL' },
        ],
      },
    ],
    ['approved', makeRun({ status: 'approved', approvals: [{ userId: 'U0APPROVE', at: at(1) }] })],
    [
      'failed',
      makeRun({
        status: 'failed',
        stepResults: [{ index: 1, status: 'failed', startedAt: at(1), finishedAt: at(2), detail: 'progress deadline exceeded' }],
      }),
    ],
    ['expired', makeRun({ status: 'expired' })],
    ['cancelled', makeRun({ status: 'cancelled', stepResults: [{ index: 1, status: 'done', startedAt: at(1), finishedAt: at(1.5), detail: 'ok' }] })],
    ['interrupted', makeRun({ status: 'interrupted', requestedBy: { kind: 'api', id: 'api-token', name: 'CI' } })],
    [
      'stopping',
      makeRun({ status: 'executing', stepResults: [{ index: 1, status: 'running', startedAt: at(1.5), detail: 'rolling' }] }),
      { stopRequestedBy: { kind: 'slack_user', id: 'U0SECOND' } },
    ],
  ] as Array<[string, Run, PlanContext?]>)('%s', (name, run, planContext) => {
    const blocks = renderPlanBlocks(run, now, planContext);
    expectGolden(`plan-${name}.json`, blocks);
    expect(checkBlockKitMessage({ blocks })).toEqual([]);
  });

  it('shows Approve, Reject and Withdraw only while awaiting approval, each carrying only the run id', () => {
    const awaiting = JSON.stringify(renderPlanBlocks(makeRun({ id: 'rb-xyz' }), now));
    expect(awaiting).toContain('"action_id":"rollback_approve"');
    expect(awaiting).toContain('"action_id":"rollback_reject"');
    expect(awaiting).toContain('"action_id":"rollback_cancel"');
    expect(awaiting.match(/"value":"([^"]*)"/g)).toEqual(['"value":"rb-xyz"', '"value":"rb-xyz"', '"value":"rb-xyz"']);
    for (const status of ['blocked', 'approved', 'executing', 'succeeded', 'failed', 'rejected', 'expired', 'planned'] as const) {
      expect(JSON.stringify(renderPlanBlocks(makeRun({ status }), now))).not.toContain('rollback_approve');
    }
  });

  it.each([
    ['awaiting_approval', ['rollback_approve', 'rollback_reject', 'rollback_cancel']],
    ['approved', ['rollback_cancel']],
    ['executing', ['rollback_cancel']],
    ['verifying', []],
    ['succeeded', []],
    ['rejected', []],
    ['blocked', []],
    ['planned', []],
    ['failed', ['rollback_retry']],
    ['interrupted', ['rollback_retry']],
    ['expired', ['rollback_retry']],
    ['cancelled', ['rollback_retry']],
  ] as Array<[RunStatus, string[]]>)('a %s run offers %j, each button carrying only the run id', (status, actionIds) => {
    const blocks = renderPlanBlocks(makeRun({ id: 'rb-xyz', status }), now);
    const buttons = blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])) as Array<{ action_id?: string; value?: string }>;
    expect(buttons.map((b) => b.action_id)).toEqual(actionIds);
    expect(buttons.every((b) => b.value === 'rb-xyz')).toBe(true);
  });

  it('takes the Stop button off a run someone asked to stop, and says who asked', () => {
    const text = JSON.stringify(renderPlanBlocks(makeRun({ status: 'executing' }), now, { stopRequestedBy: { kind: 'slack_user', id: 'U0SECOND' } }));
    expect(text).toContain('*Stopping* (asked by <@U0SECOND>)');
    expect(text).not.toContain('"type":"actions"');
  });

  it('offers no button on a dry run, whatever its status', () => {
    for (const status of ['planned', 'cancelled', 'failed'] as const) {
      expect(JSON.stringify(renderPlanBlocks(makeRun({ status, plan: { dryRun: true } }), now))).not.toContain('"type":"actions"');
    }
  });

  it('after expiry says "Expired" and has no Approve button', () => {
    const text = JSON.stringify(renderPlanBlocks(makeRun({ status: 'expired' }), now));
    expect(text).toContain('*Expired*');
    expect(text).not.toContain('rollback_approve');
  });

  it('mentions approvers, people and user groups, only while the plan waits for them', () => {
    const approvers = [
      { kind: 'user' as const, id: 'U0APPROVE' },
      { kind: 'user_group' as const, id: 'S0ONCALL' },
    ];
    expect(JSON.stringify(renderPlanBlocks(makeRun(), now, { approvers }))).toContain('*Approvers:* <@U0APPROVE> <!subteam^S0ONCALL>');
    expect(JSON.stringify(renderPlanBlocks(makeRun({ status: 'executing' }), now, { approvers }))).not.toContain('subteam');
  });

  it('keeps a typed reason as text: no mentions, no links', () => {
    const text = JSON.stringify(renderPlanBlocks(makeRun({ plan: { reason: 'oops <!channel> <https://evil|click>' } }), now));
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('stays within Slack limits with enormous inputs', () => {
    const long = 'x'.repeat(5000);
    const run = makeRun({
      plan: {
        reason: long,
        checks: Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, outcome: 'warn' as const, message: long })),
        failedDeploymentId: 'd'.repeat(128),
      },
    });
    expect(checkBlockKitMessage({ blocks: renderPlanBlocks(run, now) })).toEqual([]);
  });
});

describe('thread report blocks', () => {
  const verified = makeRun({
    status: 'succeeded',
    stepResults: [{ index: 1, status: 'done', startedAt: T0, finishedAt: at(0.5), detail: 'ok' }],
    verification: {
      phase: 'Succeeded',
      startedAt: at(0.5),
      finishedAt: at(0.6),
      checks: [
        {
          name: 'rollout checkout-api',
          phase: 'passed',
          measured: '3/3 ready, revision 5',
          threshold: '3/3 ready',
          durationMs: 12,
          detail: 'checkout-api: 3/3 replicas ready',
        },
        { name: 'smoke commands', phase: 'skipped', durationMs: 0, detail: 'no smoke commands are configured' },
      ],
    },
    rootCause: {
      causes: [
        {
          summary: 'The new version crashes on start (CrashLoopBackOff).',
          confidence: 'high',
          evidence: ['pod checkout-api-1: CrashLoopBackOff, 4 restart(s)', 'last log of checkout-api-1: FATAL <missing> DATABASE_URL'],
        },
      ],
      pods: [
        {
          name: 'checkout-api-1',
          component: 'checkout-api',
          image: 'api:v1.2.1',
          phase: 'Running',
          ready: false,
          restarts: 4,
          waitingReason: 'CrashLoopBackOff',
          lastTerminationReason: 'Error',
          lastExitCode: 1,
        },
      ],
      warnings: [{ object: 'Pod/checkout-api-1', reason: 'BackOff', message: 'Back-off restarting failed container', count: 7 }],
      lastLogLines: [{ pod: 'checkout-api-1', container: 'api', lines: ['FATAL <missing> DATABASE_URL'] }],
    },
  });

  it('verification starts with a header containing "Verification"', () => {
    const blocks = renderVerificationBlocks(verified);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringContaining('Verification') } });
    expectGolden('thread-verification.json', blocks);
    expect(checkBlockKitMessage({ blocks })).toEqual([]);
  });

  it('root cause starts with a header containing "Root cause" and escapes log text', () => {
    const blocks = renderRootCauseBlocks(verified);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringContaining('Root cause') } });
    expect(JSON.stringify(blocks)).toContain('&lt;missing&gt;');
    expectGolden('thread-root-cause.json', blocks);
    expect(checkBlockKitMessage({ blocks })).toEqual([]);
  });

  it('says "no cause identified" rather than inventing one', () => {
    const blocks = renderRootCauseBlocks(makeRun({ rootCause: { causes: [], pods: [], warnings: [], lastLogLines: [] } }));
    expect(JSON.stringify(blocks)).toContain('No cause identified');
  });
});
