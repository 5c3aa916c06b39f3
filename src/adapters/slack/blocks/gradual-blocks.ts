// A gradual rollback's shift at a glance on the plan message, updated as each step's result lands:
// "25 % ✓ → 50 % ✗ → 75 % → 100 %". The core hands the steps and results; the words are Slack's here.
import type { Run, Step } from '../../../core/model.js';

type ShiftStep = Extract<Step, { kind: 'gradual_shift' }>;

const MARK = { done: ' :white_check_mark:', failed: ' :x:', running: ' :hourglass_flowing_sand:' } as const;

export function trafficShiftLine(run: Run): string | undefined {
  const shifts = run.plan.steps.filter((s): s is ShiftStep => s.kind === 'gradual_shift');
  if (shifts.length === 0) return undefined;
  const points = shifts.map((s) => {
    const result = run.stepResults.find((r) => r.index === s.index);
    return `${s.percent} %${result && !run.plan.dryRun ? MARK[result.status] : ''}`;
  });
  return `*Traffic* to \`${shifts[0]!.to}\`: ${points.join(' → ')}`;
}
