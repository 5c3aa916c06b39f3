// The plan message: what will change, why it is (or is not) safe, the steps, and where it stands now.
import type { ApproverRef } from '../../../core/coordinator/run-events.js';
import type { Actor, CheckOutcome, Run, StepResult } from '../../../core/model.js';
import { context, divider, escapeMrkdwn, fields, formatSeconds, header, inlineCode, section, type Block } from './block-kit.js';
import { detectionBlocks } from './detection-blocks.js';
import { trafficShiftLine } from './gradual-blocks.js';
import { planButtons } from './plan-buttons.js';
import { actorText, approverList, clockTime } from './slack-words.js';

export { APPROVE_ACTION_ID, CANCEL_ACTION_ID, REJECT_ACTION_ID, RETRY_ACTION_ID } from './plan-buttons.js';

export interface PlanContext {
  /** Who may approve, mentioned while the plan waits (people and user groups). */
  approvers?: readonly ApproverRef[];
  /** Someone asked an executing run to stop: it says so, and the Stop button goes. */
  stopRequestedBy?: Actor;
}

const CHECK_ICON: Record<CheckOutcome, string> = { pass: ':white_check_mark:', warn: ':warning:', block: ':no_entry:' };

export function planFallbackText(run: Run): string {
  const p = run.plan;
  return `Rollback plan for ${p.failedDeploymentId}: ${p.service} ${p.fromVersion} → ${p.toVersion} (risk ${p.risk}, ${run.status.replace('_', ' ')})`;
}

export function renderPlanBlocks(run: Run, now: Date, planContext: PlanContext = {}): Block[] {
  const p = run.plan;
  const blocks: Block[] = [
    header(`${p.dryRun ? 'Dry run — ' : ''}Rollback plan: ${p.failedDeploymentId}`),
    // The reason is typed by a person: `<!channel>` in it must stay text, not ping the channel.
    section(
      `*Reason:* ${escapeMrkdwn(p.reason)}${incidentLine(run)}${p.forced ? '\n:warning: *Forced* (`--force`): overridable blockers are warnings; CRITICAL risk.' : ''}${p.automation && !p.automation.allowed ? `\n:raised_hand: *Not approved automatically* (${escapeMrkdwn(p.automation.via)}): ${escapeMrkdwn(p.automation.reason)}.` : ''}`,
    ),
    ...(p.detection ? detectionBlocks(p.detection) : []),
    fields([
      ['Service', `${p.service} (${p.environment})`],
      ['Risk', p.risk],
      ['From version', `\`${p.fromVersion}\``],
      ['To version', `\`${p.toVersion}\``],
    ]),
    section(['*Safety checks*', ...p.checks.map((c) => `${CHECK_ICON[c.outcome]} ${c.message}`)].join('\n')),
    section(
      ['*Steps*', ...p.steps.map((s) => `${s.index}. ${s.description}`), `${p.steps.length + 1}. Verify the rollout and health checks.`].join('\n'),
    ),
    ...(trafficShiftLine(run) ? [section(trafficShiftLine(run)!)] : []),
    divider(),
    section(statusText(run, planContext)),
  ];
  const progress = progressLines(run, now);
  if (progress) blocks.push(section(progress));
  const buttons = run.status === 'executing' && planContext.stopRequestedBy ? undefined : planButtons(run);
  if (buttons) blocks.push(buttons);
  const lineage = p.supersedes ? ` · ${p.supersedes.why === 'retry' ? 'retry of' : 'refreshed from'} run ${inlineCode(p.supersedes.runId)}` : '';
  blocks.push(
    context(
      `Run \`${run.id}\` · requested by ${actorText(run.requestedBy)} · plan expires ${p.expiresAt}${lineage} · cluster fingerprint \`${p.fingerprint}\``,
    ),
  );
  return blocks;
}

function incidentLine(run: Run): string {
  const incident = run.plan.incident;
  if (!incident) return '';
  const title = escapeMrkdwn(incident.title).replaceAll('|', '¦');
  const link = incident.url && /^https?:\/\//.test(incident.url) ? `<${incident.url}|${title}>` : title;
  return `\n:pager: *PagerDuty incident* ${link} (triggered ${incident.triggeredAt})${incident.decision ? `\n*Decision:* ${escapeMrkdwn(incident.decision)}` : ''}`;
}

function statusText(run: Run, planContext: PlanContext): string {
  const p = run.plan;
  const approvedBy = run.approvals.map((a) => actorText({ kind: 'slack_user', id: a.userId })).join(', ');
  switch (run.status) {
    case 'planned': {
      if (!p.dryRun) return ':hourglass: Planned.';
      const refused = run.stepResults.filter((r) => r.status === 'failed');
      const verdict =
        run.stepResults.length === 0
          ? ''
          : refused.length === 0
            ? ' The target system accepted every write of this plan (server-side dry run).'
            : ` :x: ${refused.length} step(s) would be refused: see below.`;
      return `:test_tube: *Dry run:* nothing was or will be executed.${verdict} Run the command without \`--dry-run\` to ask for approval.`;
    }
    case 'blocked':
      return `:no_entry: *Blocked:* this plan cannot be executed.\n${p.checks
        .filter((c) => c.outcome === 'block')
        .map((c) => `• ${c.message}`)
        .join('\n')}`;
    case 'awaiting_approval': {
      const missing = Math.max(p.requiredApprovals - run.approvals.length, 0);
      const so = approvedBy ? ` Approved so far by ${approvedBy}.` : '';
      const who = planContext.approvers && planContext.approvers.length > 0 ? `\n*Approvers:* ${approverList(planContext.approvers)}` : '';
      return `:raised_hand: *Approve this plan?* ${p.requiredApprovals} approval(s) needed${p.risk === 'HIGH' || p.risk === 'CRITICAL' ? ' (high risk: the requester does not count)' : ''}; ${missing} more to go.${so}${who}`;
    }
    case 'approved':
      return `:white_check_mark: *Approved* by ${approvedBy || 'policy'}. Starting…`;
    case 'executing':
      if (planContext.stopRequestedBy)
        return `:octagonal_sign: *Stopping* (asked by ${actorText(planContext.stopRequestedBy)}): the rollback stops before its next step; the thread will say where each component was left.`;
      return `:arrows_counterclockwise: *Rolling back* (approved by ${approvedBy || 'policy'}).`;
    case 'verifying':
      return ':stethoscope: *Verifying* the rollback…';
    case 'succeeded':
      // "Verified" means checked (verification-verdict.ts).
      if (run.verification?.notVerified)
        return `:large_yellow_circle: *Rolled back* to \`${p.toVersion}\`, ${run.verification.notVerified}. Check the service by hand. Details in the thread.`;
      return `:large_green_circle: *Rolled back* to \`${p.toVersion}\` and verified. Details in the thread.`;
    case 'failed':
      return ':red_circle: *Rollback failed.* What happened and where each component is now is in the thread. *Retry* plans it again.';
    case 'rejected':
      return ':no_entry_sign: *Rejected.* Nothing was executed.';
    case 'expired':
      return `:alarm_clock: *Expired* at ${clockTime(p.expiresAt)} before it was approved. Nothing was executed. *Retry* plans it again from the cluster as it is now.`;
    case 'interrupted':
      return ':warning: *Interrupted:* the bot stopped during the rollback and the cluster had moved, so it did not go on. The thread says what was found. *Retry* plans it again.';
    case 'cancelled':
      return ':heavy_multiplication_x: *Cancelled.* The thread says by whom or why, and where each component was left.';
  }
}

const STEP_ICON: Record<StepResult['status'], string> = { running: ':hourglass_flowing_sand:', done: ':white_check_mark:', failed: ':x:' };

function progressLines(run: Run, now: Date): string | undefined {
  if (run.stepResults.length === 0) return undefined;
  const lines = run.stepResults.map((r) => {
    const end = r.finishedAt ? new Date(r.finishedAt) : now;
    const elapsed = formatSeconds(Math.max(0, end.getTime() - new Date(r.startedAt).getTime()));
    if (run.plan.dryRun) return `${STEP_ICON[r.status]} Step ${r.index}: ${escapeMrkdwn(r.detail)}`;
    return `${STEP_ICON[r.status]} Step ${r.index} ${r.status} (${elapsed})${r.status === 'failed' ? `: ${escapeMrkdwn(r.detail)}` : ''}`;
  });
  return ['*Progress*', ...lines].join('\n');
}
