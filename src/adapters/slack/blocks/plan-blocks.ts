// The plan message: what will change, why it is (or is not) safe, the steps, and where it stands now.
import type { CheckOutcome, Run, StepResult } from '../../../core/model.js';
import { context, divider, escapeMrkdwn, fields, formatSeconds, header, section, type Block } from './block-kit.js';

export const APPROVE_ACTION_ID = 'rollback_approve';
export const REJECT_ACTION_ID = 'rollback_reject';

const CHECK_ICON: Record<CheckOutcome, string> = { pass: ':white_check_mark:', warn: ':warning:', block: ':no_entry:' };

export function planFallbackText(run: Run): string {
  const p = run.plan;
  return `Rollback plan for ${p.failedDeploymentId}: ${p.service} ${p.fromVersion} → ${p.toVersion} (risk ${p.risk}, ${run.status.replace('_', ' ')})`;
}

export function renderPlanBlocks(run: Run, now: Date): Block[] {
  const p = run.plan;
  const blocks: Block[] = [
    header(`${p.dryRun ? 'Dry run — ' : ''}Rollback plan: ${p.failedDeploymentId}`),
    // The reason is typed by a person: `<!channel>` in it must stay text, not ping the channel.
    section(`*Reason:* ${escapeMrkdwn(p.reason)}${incidentLine(run)}`),
    fields([
      ['Service', `${p.service} (${p.environment})`],
      ['Risk', p.risk],
      ['From version', `\`${p.fromVersion}\``],
      ['To version', `\`${p.toVersion}\``],
    ]),
    section(['*Safety checks*', ...p.checks.map((c) => `${CHECK_ICON[c.outcome]} ${c.message}`)].join('\n')),
    section(['*Steps*', ...p.steps.map((s) => `${s.index}. ${s.description}`), `${p.steps.length + 1}. Verify the rollout and health checks.`].join('\n')),
    divider(),
    section(statusText(run)),
  ];
  const progress = progressLines(run, now);
  if (progress) blocks.push(section(progress));
  if (run.status === 'awaiting_approval') blocks.push(decisionButtons(run));
  blocks.push(context(`Run \`${run.id}\` · requested by ${requester(run)} · plan expires ${p.expiresAt} · cluster fingerprint \`${p.fingerprint}\``));
  return blocks;
}

function incidentLine(run: Run): string {
  const incident = run.plan.incident;
  if (!incident) return '';
  const title = escapeMrkdwn(incident.title).replaceAll('|', '¦');
  const link = incident.url && /^https?:\/\//.test(incident.url) ? `<${incident.url}|${title}>` : title;
  return `\n:pager: *PagerDuty incident* ${link} (triggered ${incident.triggeredAt})${incident.decision ? `\n*Decision:* ${escapeMrkdwn(incident.decision)}` : ''}`;
}

function requester(run: Run): string {
  return run.requestedBy.kind === 'slack_user' ? `<@${run.requestedBy.id}>` : `${run.requestedBy.kind} ${run.requestedBy.name ?? run.requestedBy.id}`;
}

function statusText(run: Run): string {
  const p = run.plan;
  const approvedBy = run.approvals.map((a) => `<@${a.userId}>`).join(', ');
  switch (run.status) {
    case 'planned': {
      if (!p.dryRun) return ':hourglass: Planned.';
      const refused = run.stepResults.filter((r) => r.status === 'failed');
      const verdict = run.stepResults.length === 0 ? '' : refused.length === 0 ? ' The target system accepted every write of this plan (server-side dry run).' : ` :x: ${refused.length} step(s) would be refused: see below.`;
      return `:test_tube: *Dry run:* nothing was or will be executed.${verdict} Run the command without \`--dry-run\` to ask for approval.`;
    }
    case 'blocked':
      return `:no_entry: *Blocked:* this plan cannot be executed.\n${p.checks.filter((c) => c.outcome === 'block').map((c) => `• ${c.message}`).join('\n')}`;
    case 'awaiting_approval': {
      const missing = Math.max(p.requiredApprovals - run.approvals.length, 0);
      const so = approvedBy ? ` Approved so far by ${approvedBy}.` : '';
      return `:raised_hand: *Approve this plan?* ${p.requiredApprovals} approval(s) needed${p.risk === 'HIGH' || p.risk === 'CRITICAL' ? ' (high risk: the requester does not count)' : ''}; ${missing} more to go.${so}`;
    }
    case 'approved':
      return `:white_check_mark: *Approved* by ${approvedBy || 'policy'}. Starting…`;
    case 'executing':
      return `:arrows_counterclockwise: *Rolling back* (approved by ${approvedBy || 'policy'}).`;
    case 'verifying':
      return ':stethoscope: *Verifying* the rollback…';
    case 'succeeded':
      return `:large_green_circle: *Rolled back* to \`${p.toVersion}\` and verified. Details in the thread.`;
    case 'failed':
      return ':red_circle: *Rollback failed.* What happened and what is left to do is in the thread.';
    case 'rejected':
      return ':no_entry_sign: *Rejected.* Nothing was executed.';
    case 'expired':
      return ':alarm_clock: *Expired* before it was approved. Nothing was executed; run the command again for a fresh plan.';
    case 'interrupted':
      return ':warning: *Interrupted:* the bot stopped during the rollback. See the thread for the state it left.';
    case 'cancelled':
      return ':heavy_multiplication_x: *Not executed.* The thread says why (for example, the cluster changed after the plan was made; a refreshed plan follows).';
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

function decisionButtons(run: Run): Block {
  const highRisk = run.plan.risk === 'HIGH' || run.plan.risk === 'CRITICAL';
  return {
    type: 'actions',
    block_id: 'rollback_decision',
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION_ID,
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve rollback' },
        value: run.id,
        ...(highRisk
          ? { confirm: { title: { type: 'plain_text', text: `${run.plan.risk} risk rollback` }, text: { type: 'mrkdwn', text: `Roll ${run.plan.service} back to \`${run.plan.toVersion}\`? Read the warnings first.` }, confirm: { type: 'plain_text', text: 'Approve' }, deny: { type: 'plain_text', text: 'Cancel' } } }
          : {}),
      },
      { type: 'button', action_id: REJECT_ACTION_ID, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: run.id },
    ],
  };
}
