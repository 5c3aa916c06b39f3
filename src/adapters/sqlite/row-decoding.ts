// Rows come back from SQLite as `unknown`; they are parsed, never cast, and a row that does not
// parse is reported with its table, id and column rather than handed to the core half-valid.
import { z } from 'zod';
import type { Approval, Deployment, Run, StepResult, TimelineEvent } from '../../core/model.js';
import { RUN_STATUSES } from '../../core/model.js';
import { actorSchema, deploymentSchema, planSchema, rootCauseSchema, verificationSchema } from './json-column-schemas.js';

export class CorruptRowError extends Error {
  override readonly name = 'CorruptRowError';
}

const deploymentRow = z.object({
  id: z.string(),
  created_at: z.string(),
  status: z.enum(['succeeded', 'failed', 'in_progress', 'rolled_back', 'unverified']),
  body: z.string(),
});

const runRow = z.object({
  id: z.string(),
  status: z.enum(RUN_STATUSES),
  channel: z.string(),
  plan: z.string(),
  requested_by: z.string(),
  message_channel: z.string().nullable(),
  message_ts: z.string().nullable(),
  verification: z.string().nullable(),
  root_cause: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const approvalRow = z.object({ user_id: z.string(), at: z.string() });

const stepResultRow = z.object({
  idx: z.number().int(),
  status: z.enum(['running', 'done', 'failed']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  detail: z.string(),
});

const timelineRow = z.object({
  id: z.number().int(),
  run_id: z.string(),
  at: z.string(),
  actor: z.string(),
  type: z.string(),
  detail: z.string(),
});

export type RunRow = z.infer<typeof runRow>;

export function decodeDeployment(raw: unknown): Deployment {
  const row = parseRow(deploymentRow, raw, 'deployments');
  const body = parseJsonColumn(deploymentSchema, row.body, `deployments ${row.id}`, 'body');
  // The body stays as recorded; the columns carry what changed after (rollback) and the sortable time.
  return { ...body, status: row.status, createdAt: row.created_at };
}

export function decodeRunRow(raw: unknown): RunRow {
  return parseRow(runRow, raw, 'runs');
}

export function decodeRun(row: RunRow, approvals: unknown[], stepResults: unknown[]): Run {
  const where = `runs ${row.id}`;
  const run: Run = {
    id: row.id,
    status: row.status,
    plan: parseJsonColumn(planSchema, row.plan, where, 'plan'),
    requestedBy: parseJsonColumn(actorSchema, row.requested_by, where, 'requested_by'),
    channel: row.channel,
    approvals: approvals.map((a) => decodeApproval(a, row.id)),
    stepResults: stepResults.map((s) => decodeStepResult(s, row.id)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.message_channel !== null && row.message_ts !== null) run.message = { channel: row.message_channel, ts: row.message_ts };
  if (row.verification !== null) run.verification = parseJsonColumn(verificationSchema, row.verification, where, 'verification');
  if (row.root_cause !== null) run.rootCause = parseJsonColumn(rootCauseSchema, row.root_cause, where, 'root_cause');
  return run;
}

function decodeApproval(raw: unknown, runId: string): Approval {
  const row = parseRow(approvalRow, raw, `approvals of run ${runId}`);
  return { userId: row.user_id, at: row.at };
}

function decodeStepResult(raw: unknown, runId: string): StepResult {
  const row = parseRow(stepResultRow, raw, `step_results of run ${runId}`);
  const result: StepResult = { index: row.idx, status: row.status, startedAt: row.started_at, detail: row.detail };
  if (row.finished_at !== null) result.finishedAt = row.finished_at;
  return result;
}

export function decodeTimelineEvent(raw: unknown): TimelineEvent {
  const row = parseRow(timelineRow, raw, 'timeline');
  const actor = parseJsonColumn(actorSchema, row.actor, `timeline ${row.id}`, 'actor');
  return { runId: row.run_id, at: row.at, actor, type: row.type, detail: row.detail };
}

function parseRow<T>(schema: z.ZodType<T>, raw: unknown, table: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? ` ${String(raw.id)}` : '';
  throw new CorruptRowError(`Unreadable row in ${table}${id}: ${z.prettifyError(parsed.error)}`);
}

function parseJsonColumn<T>(schema: z.ZodType<T>, text: string, where: string, column: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CorruptRowError(`Unreadable ${column} in ${where}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new CorruptRowError(`Unreadable ${column} in ${where}: ${z.prettifyError(parsed.error)}`);
}
