// A click on a button this version does not know — an old message from before an upgrade, or a newer
// version's button during a rolling deploy — is acked and answered, not left to time out into
// Bolt's 404 and Slack's "this app did not respond" after 3 s.
import type { App, BlockAction } from '@slack/bolt';
import type { Logger } from '../../../core/ports.js';
import { KNOWN_ACTION_IDS } from '../blocks/plan-buttons.js';

/** Any action id but the known ones: Bolt runs every listener that matches, so known ids must not. */
export const UNKNOWN_ACTION_ID = new RegExp(`^(?!(?:${KNOWN_ACTION_IDS.map(escapeRegExp).join('|')})$)`);

export function registerUnknownActions(app: App, logger: Logger): void {
  app.action<BlockAction>({ action_id: UNKNOWN_ACTION_ID }, async ({ ack, action, body, respond }) => {
    await ack();
    const actionId = 'action_id' in action ? String(action.action_id) : 'unknown';
    logger.warn({ actionId, user: body.user.id }, 'click on an action this version does not know');
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `:grey_question: This button (\`${actionId.replace(/[`<>&]/g, '').slice(0, 64)}\`) is not one this version of the rollback bot knows: it may be on an old message, or belong to a newer version being rolled out. Nothing was done. \`/smartspec_rollback status\` shows the rollbacks in progress.`,
    });
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
