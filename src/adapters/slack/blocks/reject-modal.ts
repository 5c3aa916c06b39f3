// The modal a Reject click opens: an optional reason, recorded in the audit trail.
import type { types } from '@slack/bolt';
import type { Run } from '../../../core/model.js';
import { clip } from './block-kit.js';

export const REJECT_MODAL_CALLBACK_ID = 'rollback_reject_reason';
export const REASON_BLOCK_ID = 'reason';
export const REASON_ACTION_ID = 'reason_input';
export const MAX_REASON_LENGTH = 500;

export function renderRejectModal(run: Run): types.ModalView {
  return {
    type: 'modal',
    callback_id: REJECT_MODAL_CALLBACK_ID,
    private_metadata: run.id,
    title: { type: 'plain_text', text: 'Reject rollback' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `Reject the rollback of *${run.plan.service}* \`${run.plan.fromVersion}\` → \`${run.plan.toVersion}\`? Nothing will be executed.`,
            3000,
          ),
        },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        optional: true,
        label: { type: 'plain_text', text: 'Reason (kept in the audit trail)' },
        element: { type: 'plain_text_input', action_id: REASON_ACTION_ID, multiline: true, max_length: MAX_REASON_LENGTH },
      },
    ],
  };
}
