// `cancel <run-id>` and `retry <run-id>`: the Stop/Withdraw and Retry buttons for pipelines and
// terminals. Exit codes as everywhere: 0 done, 2 unknown run or nothing to cancel/retry (the bot
// says which), 3 refused by policy or the new plan is blocked.
import { z } from 'zod';
import type { ApiClient } from '../api-client.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { runViewSchema } from '../run-view-schema.js';
import type { Output } from './rollback.js';

const cancelAnswer = runViewSchema.extend({ outcome: z.enum(['cancelled', 'stopping']) });
const retryAnswer = runViewSchema.extend({ retryOf: z.string() });

export async function cancelCommand(api: ApiClient, args: string[], io: Output): Promise<ExitCode> {
  const runId = single(args, 'cancel <run-id>');
  const { body } = await api.request('POST', `/api/v1/rollbacks/${encodeURIComponent(runId)}/cancel`, cancelAnswer, {});
  io.out(
    body.outcome === 'cancelled'
      ? `Run ${body.id} cancelled: the plan was withdrawn and nothing was executed.`
      : `Run ${body.id} is stopping: it stops before its next step, and its thread in Slack says where each component was left. Follow it with: smartspec-rollback status ${body.id}`,
  );
  return EXIT.ok;
}

export async function retryCommand(api: ApiClient, args: string[], io: Output): Promise<ExitCode> {
  const runId = single(args, 'retry <run-id>');
  const { body } = await api.request('POST', `/api/v1/rollbacks/${encodeURIComponent(runId)}/retry`, retryAnswer, {});
  const blocked = body.status === 'blocked';
  io.out(
    [
      `Run ${body.retryOf} planned again as run ${body.id}: ${body.service} ${body.fromVersion} → ${body.toVersion} (risk ${body.risk}), ${blocked ? 'BLOCKED' : body.status.replace('_', ' ')}.`,
      ...body.checks.filter((c) => c.outcome === 'block').map((c) => `  blocked: ${c.message}`),
      blocked ? '' : `Approve it in Slack before ${body.expiresAt}; follow it with: smartspec-rollback status ${body.id}`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return blocked ? EXIT.blocked : EXIT.ok;
}

function single(args: string[], usage: string): string {
  const [value, ...rest] = args;
  if (!value || rest.length > 0 || value.startsWith('-')) throw new CliError(`Usage: smartspec-rollback ${usage}`, EXIT.usage);
  return value;
}
