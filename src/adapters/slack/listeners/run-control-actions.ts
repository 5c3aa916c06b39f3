// Stop and Retry buttons. Ack first (Slack gives 3 s), then record the intent through the core's use
// cases; the outcome shows in the plan message and its thread, so only a refusal is answered here,
// privately, to the person who clicked.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { z } from 'zod';
import { ID_PATTERN } from '../../../core/command.js';
import type { UseCaseDeps } from '../../../core/use-cases/deps.js';
import { requestCancel } from '../../../core/use-cases/cancel-run.js';
import { retryRun } from '../../../core/use-cases/retry-run.js';
import { CANCEL_ACTION_ID, RETRY_ACTION_ID } from '../blocks/plan-buttons.js';
import { actorOf } from './slack-actor.js';
import { explain } from './rollback-command.js';

const runId = z.string().regex(ID_PATTERN);
const NO_RUN_ID = ':warning: This button does not carry a valid run id. Nothing was done.';

export function registerRunControlActions(app: App, deps: UseCaseDeps, newErrorId: () => string): void {
  app.action<BlockAction<ButtonAction>>(CANCEL_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    const id = runId.safeParse(action.value);
    if (!id.success) return tell(respond, NO_RUN_ID);
    try {
      const outcome = await requestCancel(deps, id.data, actorOf(body.user));
      if (outcome.kind === 'refused') await tell(respond, `:no_entry_sign: ${outcome.message}`);
    } catch (error) {
      await tell(respond, explain(error, deps.logger, newErrorId));
    }
  });

  app.action<BlockAction<ButtonAction>>(RETRY_ACTION_ID, async ({ ack, body, action, respond }) => {
    await ack();
    const id = runId.safeParse(action.value);
    if (!id.success) return tell(respond, NO_RUN_ID);
    try {
      // Planning reads the cluster (seconds): the new plan appears in the channel, linked from this thread.
      const outcome = await retryRun(deps, id.data, actorOf(body.user));
      if (outcome.kind === 'refused') await tell(respond, `:no_entry_sign: ${outcome.message}`);
    } catch (error) {
      await tell(respond, explain(error, deps.logger, newErrorId));
    }
  });
}

async function tell(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
