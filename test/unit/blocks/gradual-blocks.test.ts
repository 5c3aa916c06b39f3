// The plan message of a gradual rollback: the steps, and the traffic line marking each step as its
// result lands (golden), unmarked on a dry run and absent for other strategies.
import { describe, expect, it } from 'vitest';
import { trafficShiftLine } from '../../../src/adapters/slack/blocks/gradual-blocks.js';
import { renderPlanBlocks } from '../../../src/adapters/slack/blocks/plan-blocks.js';
import type { Step, StepResult } from '../../../src/core/model.js';
import { validateBlocks } from '../../../sandbox/slack/block-kit-limits.js';
import { at, makeRun } from '../../support/builders.js';
import { expectGolden } from '../../support/golden.js';

const split = (percent: number) => ({ percent, from: 4 - percent / 25, to: percent / 25 });
const steps: Step[] = [25, 50, 75, 100].map((percent, i) => ({
  index: i + 1,
  component: 'web-blue',
  expectedSeconds: 45,
  description: `${percent} %: \`web-blue\` (blue) to ${percent / 25} and \`web-green\` (green) to ${4 - percent / 25} replicas, then gate on readiness, HTTP checks and Prometheus queries.`,
  kind: 'gradual_shift',
  via: 'replicas',
  percent,
  from: 'web-green',
  to: 'web-blue',
  replicas: split(percent),
  previous: split(percent - 25),
  pauseSeconds: 0,
  gateSeconds: 60,
}));
const result = (index: number, status: StepResult['status'], detail = 'ok'): StepResult => ({
  index,
  status,
  startedAt: at(1),
  ...(status === 'running' ? {} : { finishedAt: at(1.5) }),
  detail,
});

describe('gradual plan blocks', () => {
  it('marks passed steps and the one that failed its gate', () => {
    const run = makeRun({
      status: 'failed',
      plan: { strategy: 'gradual', steps, components: ['web-blue'] },
      stepResults: [
        result(1, 'done'),
        result(2, 'failed', 'the gate at 50 % failed: http http://web/healthz: no 200; traffic restored to 25 % (web-blue 1 / web-green 3 replicas)'),
      ],
    });
    expect(trafficShiftLine(run)).toBe('*Traffic* to `web-blue`: 25 % :white_check_mark: → 50 % :x: → 75 % → 100 %');
    const blocks = renderPlanBlocks(run, new Date(at(2)));
    expectGolden('plan-gradual-failed-gate.json', blocks);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('shows a running step, no marks on a dry run, and no line for other strategies', () => {
    expect(trafficShiftLine(makeRun({ status: 'executing', plan: { steps }, stepResults: [result(1, 'done'), result(2, 'running')] }))).toBe(
      '*Traffic* to `web-blue`: 25 % :white_check_mark: → 50 % :hourglass_flowing_sand: → 75 % → 100 %',
    );
    expect(trafficShiftLine(makeRun({ status: 'planned', plan: { steps, dryRun: true }, stepResults: [result(1, 'done')] }))).toBe(
      '*Traffic* to `web-blue`: 25 % → 50 % → 75 % → 100 %',
    );
    expect(trafficShiftLine(makeRun())).toBeUndefined();
  });
});
