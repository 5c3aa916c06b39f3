// The CLI's summary: a tree with timings (├── / └──), after the smart-rollback output format —
// trigger, decision, pre-checks, execution per step, verification, root cause, timing, result.
import type { CheckOutcome, Run, TimelineEvent } from '../model.js';
import { scrubDeep, scrubSecrets } from '../scrub.js';
import { formatDuration } from './durations.js';
import { buildRunTimeline, recoveryText } from './run-timeline.js';
import { summariseVerification } from './verification-summary.js';

export interface TreeNode {
  label: string;
  children?: TreeNode[];
}

const MAX_LABEL = 160;
const CHECK: Record<CheckOutcome, string> = { pass: '✓', warn: '⚠', block: '✗' };
const RESULT: Record<string, string> = {
  succeeded: 'ROLLBACK SUCCESS ✓',
  failed: 'ROLLBACK FAILED ✗',
  rejected: 'REJECTED (nothing executed)',
  expired: 'EXPIRED (nothing executed)',
  blocked: 'BLOCKED (nothing executed)',
  interrupted: 'INTERRUPTED: check the cluster by hand',
  cancelled: 'CANCELLED',
  planned: 'PLANNED (dry run, nothing executed)',
};

export function renderTree(root: string, nodes: TreeNode[]): string {
  const lines = [root];
  const walk = (list: TreeNode[], prefix: string) => {
    list.forEach((node, i) => {
      const last = i === list.length - 1;
      const label = node.label.replace(/\s+/g, ' ');
      lines.push(`${prefix}${last ? '└── ' : '├── '}${label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label}`);
      if (node.children && node.children.length > 0) walk(node.children, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(nodes, '');
  return lines.join('\n');
}

const leaf = (label: string): TreeNode => ({ label });
const ms = (value: number | undefined) => (value === undefined ? '—' : formatDuration(value));

export interface TreeOptions {
  /** For a chat message: passing checks folded into a count, one evidence line per cause. */
  compact?: boolean;
}

export function renderTreeSummary(unsafeRun: Run, unsafeEvents: TimelineEvent[] = [], options: TreeOptions = {}): string {
  const compact = options.compact ?? false;
  const run = scrubDeep(unsafeRun);
  const events = scrubDeep(unsafeEvents);
  const t = buildRunTimeline(run, events);
  const v = summariseVerification(run);
  const p = run.plan;
  const rc = run.rootCause;
  // Names from the audit timeline when it has them; Slack ids otherwise.
  const named = events.filter((e) => e.type === 'approval').map((e) => e.actor.name ?? e.actor.id);
  const approvers = (named.length > 0 ? named : run.approvals.map((a) => a.userId)).join(', ');
  const nodes: TreeNode[] = [
    leaf(`Trigger: ${p.reason}`),
    leaf(`Risk: ${p.risk}`),
    leaf(`Decision: ${decision(run, approvers)}`),
    {
      label: 'Target:',
      children: [
        leaf(`Deployment: ${p.targetDeploymentId}`),
        leaf(`Version: ${p.toVersion}`),
        leaf(`Failed: ${p.fromVersion} (${p.failedDeploymentId})`),
      ],
    },
    { label: 'Pre-checks:', children: preChecks(run, compact) },
    {
      label: 'Rollback Execution:',
      children: [
        ...t.steps.map((s) => leaf(`Step ${s.index} ${s.component}: ${s.status}${s.ms === undefined ? '' : ` (${formatDuration(s.ms)})`}`)),
        leaf(`Total: ${ms(t.phases.find((ph) => ph.name === 'Rollback')?.ms)}`),
      ],
    },
    {
      label: 'Verification:',
      children:
        v.outcome === 'not_run'
          ? [leaf(`not run: ${v.notRunReason ?? ''}`)]
          : [
              ...[...v.rollout, ...v.checks]
                .filter((c) => !compact || c.phase !== 'passed')
                .map((c) => leaf(`${c.name}: ${c.phase === 'passed' ? '✓' : '✗'} ${c.measured ?? c.detail} (${formatDuration(c.durationMs)})`)),
              ...(compact ? [leaf(`${[...v.rollout, ...v.checks].filter((c) => c.phase === 'passed').length} check(s) passed`)] : []),
              ...(v.replicas ? [leaf(`Replicas: ${v.replicas.ready}/${v.replicas.desired} ready`)] : []),
              ...v.notChecked.map((n) => leaf(`${n.name}: not checked (${n.why})`)),
              leaf(`Duration: ${ms(v.durationMs)}`),
            ],
    },
    {
      label: 'Root cause:',
      children: !rc
        ? [leaf('no evidence collected')]
        : rc.causes.length === 0
          ? [leaf('no cause identified')]
          : rc.causes.map((c, i) => ({
              label: `${i + 1}. [${c.confidence}] ${c.summary}`,
              children: c.evidence.slice(0, compact ? 1 : 3).map(leaf),
            })),
    },
    {
      label: 'Timing:',
      children: [
        ...t.phases.map((ph) => leaf(`${ph.name}: ${ms(ph.ms)}`)),
        ...(t.timeToDetectMs === undefined
          ? []
          : [leaf(`Time to detect: ${formatDuration(t.timeToDetectMs)} (deployed → ${t.detectedBy === 'incident' ? 'incident' : 'request'})`)]),
        leaf(`Time to recover: ${recoveryText(t)}`),
      ],
    },
    leaf(`Result: ${RESULT[run.status] ?? run.status.toUpperCase()}`),
  ];
  return scrubSecrets(renderTree(`🔄 Rollback ${p.service} ${p.fromVersion} → ${p.toVersion} (${run.id})`, nodes), 'rendered');
}

function preChecks(run: Run, compact: boolean): TreeNode[] {
  const checks = run.plan.checks;
  if (!compact) return checks.map((c) => leaf(`${c.id}: ${CHECK[c.outcome]} ${c.message}`));
  const passed = checks.filter((c) => c.outcome === 'pass').length;
  return [
    ...checks.filter((c) => c.outcome !== 'pass').map((c) => leaf(`${c.id}: ${CHECK[c.outcome]} ${c.message}`)),
    ...(passed > 0 ? [leaf(`${passed} passed ✓`)] : []),
  ];
}

function decision(run: Run, approvers: string): string {
  if (run.status === 'rejected') return 'rejected';
  if (run.status === 'expired') return 'expired before approval';
  if (run.plan.dryRun) return 'dry run';
  if (approvers) return `approved by ${approvers}`;
  return ['planned', 'awaiting_approval', 'blocked'].includes(run.status) ? 'awaiting approval' : 'approved by policy';
}
