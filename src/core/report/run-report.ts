// A run's report, built on demand from what the store holds: the HTTP route, `status <run-id>` and the
// CLI's `report <run-id>` all call this, so they always agree.
import { UserError } from '../errors.js';
import type { Run, TimelineEvent } from '../model.js';
import type { Store } from '../ports.js';
import { renderMarkdownReport } from './markdown-report.js';
import { renderTreeSummary } from './tree-summary.js';

export interface RunReport {
  run: Run;
  events: TimelineEvent[];
  markdown: string;
  tree: string;
}

export const REPORT_ROUTE = '/api/v1/rollbacks/:id/report';

export function reportPath(runId: string): string {
  return REPORT_ROUTE.replace(':id', encodeURIComponent(runId));
}

export async function loadRunReport(store: Pick<Store, 'getRun' | 'timeline'>, runId: string): Promise<RunReport> {
  const run = await store.getRun(runId);
  if (!run) throw new UserError(`There is no rollback run \`${runId}\`.`);
  const events = await store.timeline(runId);
  return { run, events, markdown: renderMarkdownReport(run, events), tree: renderTreeSummary(run, events) };
}

/**
 * For `/smartspec_rollback status <run-id>`: the tree in a code block, clipped to fit one Slack
 * message, and where the full report lives. Slack mrkdwn does not render Markdown tables.
 */
export function statusReportText(run: Run, events: TimelineEvent[], maxChars = 2900): string {
  const footer = `Full report: \`smartspec-rollback report ${run.id}\` or \`GET ${reportPath(run.id)}\``;
  let tree = renderTreeSummary(run, events, { compact: true }).replaceAll('```', "'''");
  const room = maxChars - footer.length - 20;
  if (tree.length > room) {
    const kept = tree.slice(0, room).split('\n').slice(0, -1);
    tree = [...kept, '… (truncated: see the full report)'].join('\n');
  }
  return `\`\`\`\n${tree}\n\`\`\`\n${footer}`;
}
