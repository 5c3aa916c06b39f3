// `/smartspec_rollback …`: ack at once (Slack waits 3 s at most), then plan and answer.
import type { App, RespondFn } from '@slack/bolt';
import { parseCommand, USAGE, type CommandRequest } from '../../../core/command.js';
import { UserError } from '../../../core/errors.js';
import type { Logger } from '../../../core/ports.js';
import type { UseCaseDeps } from '../../../core/use-cases/deps.js';
import { describeActiveRuns, describeHistory, describeRun } from '../../../core/use-cases/queries.js';
import type { Run } from '../../../core/model.js';
import { PlanningQueue } from '../../../core/use-cases/planning-queue.js';
import { escapeMrkdwn } from '../blocks/block-kit.js';
import { actorText } from '../blocks/slack-words.js';

export const SLASH_COMMAND = '/smartspec_rollback';

/** `planning`: where plans wait for a slot after their ack (one per app, so duplicates meet there). */
export function registerRollbackCommand(app: App, deps: UseCaseDeps, newErrorId: () => string, planning = new PlanningQueue()): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    // Over HTTP the command was acked already, with this same answer, the moment its signature
    // checked out (slash-command-pre-ack.ts): there `ack` does nothing. Socket Mode acks here.
    const { answer, request } = acknowledgeCommand(command.text);
    await ack(answer);
    if (!request) return;
    // Let the requests already waiting on the sockets be acked before this one's work starts.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      if (request.kind === 'status') {
        await reply(respond, request.runId ? await describeRun(deps, request.runId) : await describeActiveRuns(deps));
      } else if (request.kind === 'history') {
        await reply(respond, await describeHistory(deps, request.service));
      } else {
        const requester = { kind: 'slack_user' as const, id: command.user_id, name: command.user_name };
        const outcome = await planning.request(deps, { request, requester, channel: command.channel_id, workspace: command.team_id });
        if (outcome.kind === 'in_progress') await reply(respond, alreadyPlanning(outcome.run));
      }
    } catch (error) {
      await reply(respond, explain(error, deps.logger, newErrorId));
    }
  });
}

export interface CommandAck {
  /** The ack's body: an ephemeral message, or none (an empty 200). */
  answer: { response_type: 'ephemeral'; text: string } | undefined;
  /** The work to do after the ack; none when the ack was the whole answer (usage, help). */
  request?: Exclude<CommandRequest, { kind: 'help' }>;
}

/**
 * What `/smartspec_rollback <text>` is acked with, decided from the text alone (no I/O), so it can be
 * sent before anything else happens. A UserError from parsing is answered in the ack.
 */
export function acknowledgeCommand(text: string): CommandAck {
  let request: CommandRequest;
  try {
    request = parseCommand(text);
  } catch (error) {
    if (error instanceof UserError) return { answer: { response_type: 'ephemeral', text: userErrorText(error) } };
    throw error;
  }
  if (request.kind === 'help') return { answer: { response_type: 'ephemeral', text: USAGE } };
  if (request.kind !== 'rollback') return { answer: undefined, request };
  const what = request.failedDeploymentId ?? `the newest deployment of ${request.service}`;
  return { answer: { response_type: 'ephemeral', text: `Building a rollback plan for \`${what}\`…` }, request };
}

/** A duplicate of a request being planned: where that plan is, instead of a second plan. */
export function alreadyPlanning(run: Run): string {
  const state = run.status === 'awaiting_approval' ? 'waiting for approval' : run.status.replace('_', ' ');
  return `:hourglass_flowing_sand: ${actorText(run.requestedBy)} asked for this a moment ago: the plan for *${escapeMrkdwn(run.plan.service)}* (${escapeMrkdwn(run.plan.fromVersion)} → ${escapeMrkdwn(run.plan.toVersion)}, run \`${run.id}\`) is in this channel, ${state}. No second plan was made; \`/smartspec_rollback status ${run.id}\` shows where it is.`;
}

export function userErrorText(error: UserError): string {
  return error.hint ? `:warning: ${error.message}\n\n${error.hint}` : `:warning: ${error.message}`;
}

/** The asker sees a UserError's message, or an error id that finds the stack in the logs; never the stack. */
export function explain(error: unknown, logger: Logger, newErrorId: () => string): string {
  if (error instanceof UserError) return userErrorText(error);
  const errorId = newErrorId();
  logger.error({ err: error, errorId }, 'command failed');
  return `:x: Something went wrong (error id \`${errorId}\`). Nothing was executed. The bot's logs have the details.`;
}

async function reply(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
