// The plan message's buttons, by run status. Each button's `value` is only the run id: whatever a
// click needs is re-read from the store, so an old message can never act on stale data.
import type { types } from '@slack/bolt';
import type { Run, RunStatus } from '../../../core/model.js';
import type { Block } from './block-kit.js';

export const APPROVE_ACTION_ID = 'rollback_approve';
export const REJECT_ACTION_ID = 'rollback_reject';
export const CANCEL_ACTION_ID = 'rollback_cancel';
export const RETRY_ACTION_ID = 'rollback_retry';

/** Every action id this bot answers; a click on any other is answered as unknown. */
export const KNOWN_ACTION_IDS: readonly string[] = [APPROVE_ACTION_ID, REJECT_ACTION_ID, CANCEL_ACTION_ID, RETRY_ACTION_ID];

/** Statuses whose run may be stopped: a waiting plan is withdrawn, an approved or executing one stops before its next step. */
const STOPPABLE: readonly RunStatus[] = ['approved', 'executing'];
/** Statuses whose run may be planned again as a new run. */
export const RETRYABLE: readonly RunStatus[] = ['failed', 'interrupted', 'expired', 'cancelled'];

type Button = types.Button;

export function planButtons(run: Run): Block | undefined {
  if (run.plan.dryRun) return undefined;
  if (run.status === 'awaiting_approval') {
    return actions('rollback_decision', [approveButton(run), rejectButton(run), withdrawButton(run)]);
  }
  if (STOPPABLE.includes(run.status)) return actions('rollback_control', [stopButton(run)]);
  if (RETRYABLE.includes(run.status)) return actions('rollback_control', [retryButton(run)]);
  return undefined;
}

function actions(blockId: string, elements: Button[]): Block {
  return { type: 'actions', block_id: blockId, elements };
}

function approveButton(run: Run): Button {
  const highRisk = run.plan.risk === 'HIGH' || run.plan.risk === 'CRITICAL';
  return {
    type: 'button',
    action_id: APPROVE_ACTION_ID,
    style: 'primary',
    text: { type: 'plain_text', text: 'Approve rollback' },
    value: run.id,
    ...(highRisk
      ? {
          confirm: confirm(
            `${run.plan.risk} risk rollback`,
            `Roll ${run.plan.service} back to \`${run.plan.toVersion}\`? Read the warnings first.`,
            'Approve',
            'Cancel',
          ),
        }
      : {}),
  };
}

function rejectButton(run: Run): Button {
  return { type: 'button', action_id: REJECT_ACTION_ID, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: run.id };
}

function withdrawButton(run: Run): Button {
  return {
    type: 'button',
    action_id: CANCEL_ACTION_ID,
    text: { type: 'plain_text', text: 'Withdraw' },
    value: run.id,
    confirm: confirm(
      'Withdraw this plan?',
      `Nothing has been executed. Withdrawing frees ${run.plan.service} for a new plan.`,
      'Withdraw',
      'Keep it',
    ),
  };
}

function stopButton(run: Run): Button {
  return {
    type: 'button',
    action_id: CANCEL_ACTION_ID,
    style: 'danger',
    text: { type: 'plain_text', text: 'Stop rollback' },
    value: run.id,
    confirm: confirm(
      'Stop this rollback?',
      `The rollback of ${run.plan.service} stops before its next step; a step under way finishes or is aborted safely. Steps already done are not undone; the thread will say where each component was left.`,
      'Stop it',
      'Keep going',
    ),
  };
}

function retryButton(run: Run): Button {
  return { type: 'button', action_id: RETRY_ACTION_ID, style: 'primary', text: { type: 'plain_text', text: 'Retry' }, value: run.id };
}

function confirm(title: string, text: string, yes: string, no: string): NonNullable<Button['confirm']> {
  return {
    title: { type: 'plain_text', text: title },
    text: { type: 'mrkdwn', text },
    confirm: { type: 'plain_text', text: yes },
    deny: { type: 'plain_text', text: no },
  };
}
