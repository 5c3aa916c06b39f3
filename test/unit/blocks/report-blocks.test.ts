import { describe, expect, it } from 'vitest';
import { renderRootCauseBlocks, rootCauseFallbackText } from '../../../src/adapters/slack/blocks/root-cause-blocks.js';
import { renderVerificationBlocks, verificationFallbackText } from '../../../src/adapters/slack/blocks/verification-blocks.js';
import type { Evidence } from '../../../src/core/evidence.js';
import { validateBlocks } from '../../../sandbox/slack/block-kit-limits.js';
import { makeRun } from '../../support/builders.js';
import { expectGolden } from '../../support/golden.js';
import { finishedRun, RICH_EVIDENCE, t, withRecords } from '../report-fixtures.js';

const text = (blocks: unknown) => JSON.stringify(blocks);
const check = (blocks: unknown) => expect(validateBlocks(blocks, 'message')).toEqual([]);

/** Evidence far beyond what one Slack message holds: 50 pods, 30 long events, 3 logs of 20 long lines. */
function hugeEvidence(): Evidence {
  const long = (i: number) => `${'x'.repeat(480)} line ${i} token=abcdef0123456789`;
  return withRecords(
    {
      failedImages: ['registry.example/checkout-api:v1.2.1'],
      pods: Array.from({ length: 50 }, (_, i) => ({
        name: `checkout-api-7d9f-${String(i).padStart(5, '0')}`,
        component: 'checkout-api',
        image: 'registry.example/checkout-api:v1.2.1',
        phase: 'Running',
        ready: false,
        restarts: i,
        waitingReason: 'CrashLoopBackOff',
        waitingMessage: long(i),
        lastTerminationReason: 'Error',
        lastExitCode: 1,
      })),
      warnings: Array.from({ length: 30 }, (_, i) => ({
        object: `Pod/checkout-api-7d9f-${String(i).padStart(5, '0')}`,
        reason: 'BackOff',
        message: long(i),
        count: 100 - i,
      })),
      logs: Array.from({ length: 3 }, (_, i) => ({
        pod: `checkout-api-7d9f-${String(i).padStart(5, '0')}`,
        container: 'checkout-api',
        lines: Array.from({ length: 20 }, (_, j) => long(j)),
      })),
      diff: {
        components: [
          {
            component: 'checkout-api',
            images: [],
            env: { added: Array.from({ length: 200 }, (_, i) => `VAR_${i}_${'Y'.repeat(40)}`), removed: [], changed: [] },
            resources: [],
            probes: [],
            configHashes: [],
            configRefs: { added: [], removed: [] },
          },
        ],
      },
      omitted: { pods: 120, warnings: 55 },
    },
    {
      migrations: Array.from({ length: 40 }, (_, i) => ({
        id: `2026112${i}_migration_${'z'.repeat(60)}`,
        reversible: true,
        destructive: false,
        mayLoseData: false,
      })),
    },
  );
}

describe('root-cause thread message', () => {
  it('shows ranked causes, what changed, pods, events, logs and the incident — within Slack limits', () => {
    const blocks = renderRootCauseBlocks(finishedRun(RICH_EVIDENCE));
    check(blocks);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringContaining('Root cause') } });
    expectGolden('thread-root-cause-rich.json', blocks);
  });

  it('stays within Slack limits with huge evidence, says it truncated, and points to the full report', () => {
    const blocks = renderRootCauseBlocks(finishedRun(hugeEvidence()));
    check(blocks);
    const last = text(blocks.at(-1));
    expect(last).toContain('Truncated to fit Slack');
    expect(last).toContain('/smartspec_rollback status rb-fixture01');
    expect(last).toContain('GET /api/v1/rollbacks/rb-fixture01/report');
    expect(text(blocks)).not.toContain('abcdef0123456789');
  });

  it('says "no cause identified" rather than inventing one', () => {
    const blocks = renderRootCauseBlocks(finishedRun(withRecords({ failedImages: [], pods: [], warnings: [], logs: [] })));
    expect(text(blocks)).toContain('No cause identified');
    expect(rootCauseFallbackText(makeRun({ rootCause: { causes: [], pods: [], warnings: [], lastLogLines: [] } }))).toContain('no cause identified');
  });

  it('renders a run stored before the report fields existed', () => {
    const blocks = renderRootCauseBlocks(
      makeRun({ rootCause: { causes: [{ summary: 'old', confidence: 'high', evidence: ['e'] }], pods: [], warnings: [], lastLogLines: [] } }),
    );
    check(blocks);
    expect(text(blocks)).toContain('old');
  });
});

describe('verification thread message', () => {
  it('shows the rollout, ready replicas, each check with measured value, threshold and duration, what was not checked, and timing', () => {
    const blocks = renderVerificationBlocks(finishedRun(RICH_EVIDENCE));
    check(blocks);
    const all = text(blocks);
    for (const expected of [
      'Verification passed',
      'Ready replicas',
      '3/3',
      'measured HTTP 200',
      'expected HTTP 200',
      '(5.2s)',
      'Not checked',
      'no smoke commands are configured',
      'Decision 40s',
      'time to recover 14m 54s',
    ]) {
      expect(all).toContain(expected);
    }
    expectGolden('thread-verification-rich.json', blocks);
  });

  it('says why nothing was verified', () => {
    const run = finishedRun(RICH_EVIDENCE, {
      status: 'failed',
      verification: undefined,
      stepResults: [{ index: 1, status: 'failed', startedAt: t('10:44:12'), finishedAt: t('10:54:12'), detail: 'progress deadline exceeded' }],
    });
    const blocks = renderVerificationBlocks(run);
    check(blocks);
    expect(text(blocks)).toContain('Verification not run');
    expect(text(blocks)).toContain('stopped at step 1 (progress deadline exceeded)');
    expect(verificationFallbackText(run)).toBe('Verification not run for checkout v1.2.0');
  });

  it('stays within limits with a hundred long checks and says what it cut', () => {
    const checks = Array.from({ length: 100 }, (_, i) => ({
      name: `http http://svc-${i}.example/${'p'.repeat(200)}`,
      phase: 'failed' as const,
      measured: 'HTTP 503',
      threshold: 'HTTP 200',
      durationMs: 1000,
      detail: 'd'.repeat(500),
    }));
    const run = finishedRun(undefined, { verification: { phase: 'Failed', startedAt: t('10:44:48'), finishedAt: t('10:45:48'), checks } });
    const blocks = renderVerificationBlocks(run);
    check(blocks);
    expect(text(blocks)).toContain('Verification failed');
    expect(text(blocks)).toContain('Truncated to fit Slack');
  });
});
