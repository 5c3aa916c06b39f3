// Counts slash commands and decision clicks as a Bolt global middleware, so the listeners stay as
// they are. The kind comes from parsing the text the same way the listener will; the outcome says
// whether the listener finished or threw. What the use case decided (blocked, refused, approved)
// shows in smartspec_runs_total and the audit timeline, not here.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { z } from 'zod';
import { parseCommand } from '../../core/command.js';
import type { Metrics } from './metrics.js';

const slashCommand = z.object({ command: z.string(), text: z.string().default('') });
const blockActions = z.object({ type: z.literal('block_actions'), actions: z.array(z.object({ action_id: z.string() })).min(1) });

export interface CommandMetricsOptions {
  /** Which action_id counts as which kind; other clicks are not counted. */
  actions?: Record<string, string>;
}

export function commandMetricsMiddleware(metrics: Metrics, options: CommandMetricsOptions = {}): Middleware<AnyMiddlewareArgs> {
  const actions = options.actions ?? { rollback_approve: 'approve', rollback_reject: 'reject' };
  return async ({ body, next }) => {
    const kind = kindOf(body, actions);
    if (kind === undefined) return next();
    if (kind === 'invalid') {
      metrics.commandHandled(kind, 'usage_error');
      return next();
    }
    try {
      await next();
    } catch (error) {
      metrics.commandHandled(kind, 'error');
      throw error;
    }
    metrics.commandHandled(kind, 'ok');
  };
}

function kindOf(body: unknown, actions: Record<string, string>): string | undefined {
  const command = slashCommand.safeParse(body);
  if (command.success) {
    try {
      return parseCommand(command.data.text).kind;
    } catch {
      // The listener answers text it cannot parse with the usage; a metric must never throw instead.
      return 'invalid';
    }
  }
  const clicked = blockActions.safeParse(body);
  if (clicked.success) return actions[clicked.data.actions[0]?.action_id ?? ''];
  return undefined;
}
