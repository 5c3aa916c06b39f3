// `rollback` and `plan`: ask the bot for a rollback (or a dry run), then follow it to the end with
// progress lines, and exit with a code a pipeline can branch on.
import { parseArgs } from 'node:util';
import type { ApiClient } from '../api-client.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { renderPlanMarkdown } from '../plan-markdown.js';
import { runViewSchema, type RunViewJson } from '../run-view-schema.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const TERMINAL = new Set(['succeeded', 'failed', 'rejected', 'expired', 'blocked', 'interrupted', 'cancelled']);

export function parseRollbackArgs(args: string[], forPlan: boolean) {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      'failed-deployment-id': { type: 'string' },
      service: { type: 'string' },
      incident: { type: 'string' },
      'target-version': { type: 'string' },
      component: { type: 'string', multiple: true },
      environment: { type: 'string' },
      reason: { type: 'string' },
      strategy: { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: forPlan },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '1800' },
      'poll-interval': { type: 'string', default: '2' },
    },
  });
  const id = values['failed-deployment-id'];
  const service = values.service;
  if (!id && !service)
    throw new CliError('--failed-deployment-id is required, or --service <name> (its newest deployment is the failed one).', EXIT.usage);
  if (id && service) throw new CliError('Give either --failed-deployment-id or --service, not both.', EXIT.usage);
  if (values.strategy !== undefined && values.strategy !== 'gradual' && values.strategy !== 'instant')
    throw new CliError(`--strategy takes gradual or instant, not "${values.strategy}".`, EXIT.usage);
  const timeout = Number(values.timeout);
  const poll = Number(values['poll-interval']);
  if (!Number.isFinite(timeout) || timeout <= 0 || !Number.isFinite(poll) || poll <= 0)
    throw new CliError('--timeout and --poll-interval take a number of seconds.', EXIT.usage);
  return {
    body: {
      ...(id ? { failedDeploymentId: id } : { service }),
      ...(values.incident ? { incident: values.incident } : {}),
      autoApprove: values['auto-approve'],
      dryRun: values['dry-run'],
      ...(values['target-version'] ? { targetVersion: values['target-version'] } : {}),
      ...(values.component ? { components: values.component } : {}),
      ...(values.environment ? { environment: values.environment } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
      ...(values.strategy ? { strategy: values.strategy } : {}),
    },
    json: values.json,
    timeoutMs: timeout * 1000,
    pollMs: poll * 1000,
  };
}

export async function planCommand(api: ApiClient, args: string[], io: Output): Promise<ExitCode> {
  const options = parseRollbackArgs(args, true);
  const { body: view } = await api.request('POST', '/api/v1/rollbacks', runViewSchema, { ...options.body, dryRun: true, autoApprove: false });
  io.out(options.json ? JSON.stringify(view, null, 2) : renderPlanMarkdown(view));
  if (view.status === 'blocked' || view.checks.some((c) => c.outcome === 'block')) return EXIT.blocked;
  return view.steps.some((s) => s.status === 'failed') ? EXIT.failed : EXIT.ok;
}

export async function rollbackCommand(api: ApiClient, args: string[], io: Output, sleep = defaultSleep): Promise<ExitCode> {
  const options = parseRollbackArgs(args, false);
  const created = (await api.request('POST', '/api/v1/rollbacks', runViewSchema, options.body)).body;
  if (!options.json) {
    io.err(
      `Run ${created.id}: ${created.service} ${created.fromVersion} → ${created.toVersion} (${created.strategy}, risk ${created.risk}), posted in Slack.`,
    );
    if (created.status === 'awaiting_approval') io.err(`Waiting for ${created.requiredApprovals} approval(s) in Slack (until ${created.expiresAt}).`);
  }
  const final = created.dryRun ? created : await follow(api, created, options.timeoutMs, options.pollMs, io, !options.json, sleep);
  if (options.json) io.out(JSON.stringify(final, null, 2));
  else io.out(summary(final));
  return exitCodeFor(final);
}

async function follow(
  api: ApiClient,
  start: RunViewJson,
  timeoutMs: number,
  pollMs: number,
  io: Output,
  progress: boolean,
  sleep: (ms: number) => Promise<void>,
): Promise<RunViewJson> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  let view = start;
  const report = () => {
    if (progress) for (const event of view.timeline.slice(seen)) io.err(`${event.at}  ${event.type.padEnd(12)} ${event.detail}`);
    seen = view.timeline.length;
  };
  report();
  while (!TERMINAL.has(view.status)) {
    if (Date.now() > deadline)
      throw new CliError(
        `Timed out after ${timeoutMs / 1000} s with run ${view.id} ${view.status}; it goes on in the bot: smartspec-rollback status ${view.id}`,
        EXIT.timedOut,
      );
    await sleep(pollMs);
    view = (await api.request('GET', `/api/v1/rollbacks/${encodeURIComponent(view.id)}`, runViewSchema)).body;
    report();
  }
  return view;
}

function summary(view: RunViewJson): string {
  const steps = view.steps.map(
    (s) =>
      `  ${s.status === 'done' ? '✓' : s.status === 'failed' ? '✗' : '·'} ${s.index}. ${s.description}${s.detail && s.status === 'failed' ? ` — ${s.detail}` : ''}`,
  );
  // Exit code 0 either way, but the words must not claim what nobody checked.
  const notVerified = view.verification?.notVerified ? [`  ! ${view.verification.notVerified}: check the service by hand`] : [];
  const withheld =
    view.automation && !view.automation.allowed ? [`  ! not approved automatically (${view.automation.via}): ${view.automation.reason}`] : [];
  return [
    `Rollback ${view.id}: ${view.status.toUpperCase()} (${view.service} ${view.fromVersion} → ${view.toVersion})`,
    ...withheld,
    ...steps,
    ...notVerified,
  ].join('\n');
}

export function exitCodeFor(view: RunViewJson): ExitCode {
  switch (view.status) {
    case 'succeeded':
      return EXIT.ok;
    case 'planned':
      return view.steps.some((s) => s.status === 'failed') ? EXIT.failed : EXIT.ok; // a dry run
    case 'blocked':
    case 'rejected':
      return EXIT.blocked;
    case 'expired':
      return EXIT.timedOut;
    default:
      return EXIT.failed;
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
