// The plan as Markdown, in the layout the operations guide documents (reason, versions, safety
// checks, risk, numbered steps): for the CLI and anyone reading the API.
import { detectionMarkdown } from '../core/report/detection-markdown.js';
import type { RunViewJson } from './run-view-schema.js';

const MARK = { pass: '✅', warn: '⚠️', block: '⛔' } as const;

export function renderPlanMarkdown(view: RunViewJson): string {
  const lines = [
    `# Rollback Plan: ${view.failedDeploymentId}`,
    '',
    `**Reason:** ${view.reason}`,
    `**Service:** ${view.service} (${view.environment})`,
    `**From Version:** \`${view.fromVersion}\``,
    `**To Version:** \`${view.toVersion}\``,
    `**Strategy:** ${view.strategy} · **Risk:** ${view.risk} · **Approvals needed:** ${view.requiredApprovals}`,
    '',
    ...(view.detection ? detectionMarkdown(view.detection) : []),
    '## Safety Checks',
    '',
    ...view.checks.map((c) => `- [${MARK[c.outcome]}] ${c.message}`),
    '',
    '## Steps',
    '',
    ...view.steps.map((s) => `${s.index}. ${s.description} _(about ${s.expectedSeconds} s)_`),
    `${view.steps.length + 1}. Verify the rollout and the health checks.`,
    '',
  ];
  const blockers = view.checks.filter((c) => c.outcome === 'block');
  if (blockers.length > 0) {
    lines.push('**Blocked:** this plan cannot be executed until the blockers above are resolved.');
  } else if (view.dryRun) {
    const refused = view.steps.filter((s) => s.status === 'failed');
    lines.push(
      refused.length === 0
        ? '**Dry run:** the target system accepted every write of this plan; nothing was changed.'
        : `**Dry run:** ${refused.length} step(s) would be refused: ${refused.map((s) => `step ${s.index}: ${s.detail ?? ''}`).join('; ')}`,
    );
  } else {
    lines.push(`**Approve this plan? (yes/no)** — in Slack, before ${view.expiresAt}.`);
  }
  return `${lines.join('\n')}\n`;
}
