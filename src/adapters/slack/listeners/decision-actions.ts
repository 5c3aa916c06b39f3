// Approve / Reject buttons and the reject-reason modal. The button value carries only the run id;
// everything else is re-read from the store.
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, RespondFn, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { ID_PATTERN } from '../../../core/command.js';
import type { MessageRef, Run } from '../../../core/model.js';
import { approveRun, refusalToReject, rejectRun, type DecisionOutcome } from '../../../core/use-cases/decide.js';
import type { UseCaseDeps } from '../../../core/use-cases/deps.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../blocks/plan-blocks.js';
import { MAX_REASON_LENGTH, REASON_ACTION_ID, REASON_BLOCK_ID, REJECT_MODAL_CALLBACK_ID, renderRejectModal } from '../blocks/reject-modal.js';
import { explain } from './rollback-command.js';
import { actorOf } from './slack-actor.js';

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
      // An approval only records intent: the coordinator executes, and the plan message and thread show it.
      await answer(respond, await approveRun(deps, id.data, actorOf(body.user), planMessageOf(body)));
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
      await rememberPlanMessage(deps, id.data, body);
      const refusal = await refusalToReject(deps, id.data, actorOf(body.user));
      if (refusal) return answer(respond, refusal);
      const run = await deps.store.getRun(id.data);
      if (run) await openRejectModal(client, body.trigger_id, run, respond);
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

/**
 * A click comes from the plan message itself: if a stop between posting the plan and recording it
 * left the run without its message, the click says where it is, so progress and reports can follow.
 */
async function rememberPlanMessage(deps: UseCaseDeps, runId: string, body: BlockAction<ButtonAction>): Promise<void> {
  const shownIn = planMessageOf(body);
  if (!shownIn) return;
  const run = await deps.store.getRun(runId);
  if (run && !run.message && run.channel === shownIn.channel) await deps.store.setMessage(runId, shownIn);
}

/** The (non-ephemeral) message a button was clicked in. */
function planMessageOf(body: BlockAction<ButtonAction>): MessageRef | undefined {
  const ts = body.container?.message_ts ?? body.message?.ts;
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (typeof ts !== 'string' || typeof channel !== 'string' || body.container?.is_ephemeral) return undefined;
  return { channel, ts };
}

/** Slack's trigger ids are single-use and live 3 s: a redelivered click or a slow moment is not an error. */
async function openRejectModal(client: AllMiddlewareArgs['client'], triggerId: string, run: Run, respond: RespondFn): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view: renderRejectModal(run) });
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'exchanged_trigger_id') return tell(respond, 'The reject dialog is already open.');
    if (code === 'expired_trigger_id')
      return tell(respond, 'Slack took too long to open the reject dialog: click Reject again. Nothing was changed.');
    throw error;
  }
}

async function answer(respond: RespondFn, outcome: DecisionOutcome): Promise<void> {
  if (outcome.kind === 'refused' || outcome.kind === 'recorded') await tell(respond, outcome.message);
}

async function tell(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
