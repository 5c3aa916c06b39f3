// Approve / Reject buttons and the reject-reason modal. The button value carries only the run id;
// everything else is re-read from the store.
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, RespondFn, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { ID_PATTERN } from '../../../core/command.js';
import type { Actor } from '../../../core/model.js';
import { approveRun, refusalToReject, rejectRun, type DecisionOutcome } from '../../../core/use-cases/decide.js';
import type { UseCaseDeps } from '../../../core/use-cases/deps.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../blocks/plan-blocks.js';
import { MAX_REASON_LENGTH, REASON_ACTION_ID, REASON_BLOCK_ID, REJECT_MODAL_CALLBACK_ID, renderRejectModal } from '../blocks/reject-modal.js';
import { explain } from './rollback-command.js';

const runId = z.string().regex(ID_PATTERN);
const reasonState = z.object({
  [REASON_BLOCK_ID]: z.object({ [REASON_ACTION_ID]: z.object({ value: z.string().max(MAX_REASON_LENGTH).nullish() }) }).optional(),
});

export function registerDecisionActions(app: App, deps: UseCaseDeps, newErrorId: () => string): void {
  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    const id = runId.safeParse(action.value);
    if (!id.success) return tell(respond, ':warning: This button does not carry a valid run id. Nothing was done.');
    try {
      const outcome = await approveRun(deps, id.data, actorOf(body.user));
      if (outcome.kind === 'approved') {
        // The rollback outlives this click: its progress shows in the plan message and the thread.
        outcome.execution.catch((error: unknown) => deps.logger.error({ err: error, runId: id.data }, 'execution crashed'));
      } else await answer(respond, outcome);
    } catch (error) {
      await tell(respond, explain(error, deps.logger, newErrorId));
    }
  });

  // Check first, so a person who may not reject is told at once rather than after typing a reason.
  app.action<BlockAction<ButtonAction>>(REJECT_ACTION_ID, async ({ ack, body, action, respond, client }) => {
    await ack();
    const id = runId.safeParse(action.value);
    if (!id.success) return tell(respond, ':warning: This button does not carry a valid run id. Nothing was done.');
    try {
      const refusal = await refusalToReject(deps, id.data, actorOf(body.user));
      if (refusal) return answer(respond, refusal);
      const run = await deps.store.getRun(id.data);
      if (run) await client.views.open({ trigger_id: body.trigger_id, view: renderRejectModal(run) });
    } catch (error) {
      await tell(respond, explain(error, deps.logger, newErrorId));
    }
  });

  app.view<ViewSubmitAction>(REJECT_MODAL_CALLBACK_ID, async ({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const id = runId.safeParse(view.private_metadata);
    const state = reasonState.safeParse(view.state.values);
    if (!id.success || !state.success) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: `Keep the reason under ${MAX_REASON_LENGTH} characters.` } });
      return;
    }
    const reason = state.data[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value?.trim() || undefined;
    const outcome = await rejectRun(deps, id.data, actorOf(body.user), reason);
    if (outcome.kind === 'refused' || outcome.kind === 'recorded') {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: outcome.message.slice(0, 2000) } });
      return;
    }
    await ack();
  });
}

function actorOf(user: { id: string; name?: string; username?: string }): Actor {
  const name = user.name ?? user.username;
  return { kind: 'slack_user', id: user.id, ...(name ? { name } : {}) };
}

async function answer(respond: RespondFn, outcome: DecisionOutcome): Promise<void> {
  if (outcome.kind === 'refused' || outcome.kind === 'recorded') await tell(respond, outcome.message);
}

async function tell(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
