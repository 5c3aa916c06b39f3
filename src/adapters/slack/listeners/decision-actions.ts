// Approve / Reject buttons. The button value carries only the run id; everything else is re-read.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { z } from 'zod';
import { ID_PATTERN } from '../../../core/command.js';
import type { Actor } from '../../../core/model.js';
import { approveRun, rejectRun, type DecisionOutcome } from '../../../core/use-cases/decide.js';
import type { UseCaseDeps } from '../../../core/use-cases/deps.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../blocks/plan-blocks.js';
import { explain } from './rollback-command.js';

const buttonValue = z.string().regex(ID_PATTERN);

export function registerDecisionActions(app: App, deps: UseCaseDeps, newErrorId: () => string): void {
  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    await decide(deps, newErrorId, body, action, respond, (runId, actor) => approveRun(deps, runId, actor));
  });
  app.action<BlockAction<ButtonAction>>(REJECT_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    await decide(deps, newErrorId, body, action, respond, (runId, actor) => rejectRun(deps, runId, actor));
  });
}

async function decide(
  deps: UseCaseDeps,
  newErrorId: () => string,
  body: BlockAction<ButtonAction>,
  action: ButtonAction,
  respond: RespondFn,
  decision: (runId: string, actor: Actor) => Promise<DecisionOutcome>,
): Promise<void> {
  const parsed = buttonValue.safeParse(action.value);
  if (!parsed.success) {
    await tell(respond, ':warning: This button does not carry a valid run id. Nothing was done.');
    return;
  }
  const actor: Actor = { kind: 'slack_user', id: body.user.id, name: body.user.name ?? body.user.username };
  try {
    const outcome = await decision(parsed.data, actor);
    if (outcome.kind === 'refused' || outcome.kind === 'recorded') await tell(respond, outcome.message);
    if (outcome.kind === 'approved') {
      // The rollback outlives this click: its progress shows in the plan message and the thread.
      outcome.execution.catch((error: unknown) => deps.logger.error({ err: error, runId: parsed.data }, 'execution crashed'));
    }
  } catch (error) {
    await tell(respond, explain(error, deps.logger, newErrorId));
  }
}

async function tell(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
