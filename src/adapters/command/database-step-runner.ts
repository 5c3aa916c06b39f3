// Runs a plan's database steps (backup, down migrations) for any kind of service: the catalog's
// `database` argv templates, expanded strictly, run without a shell in their own process group, with
// the output's tail (scrubbed) in the step result, which the thread shows.
import type { Run, Step, StepResult } from '../../core/model.js';
import type { Clock } from '../../core/ports.js';
import { scrubSecrets } from '../../core/scrub.js';
import type { Service } from '../../core/service.js';
import { displayArgv, expandArgvTemplate } from './argv-template.js';
import { describeEnd, runProcess } from './process-runner.js';

export interface DatabaseStepRunnerOptions {
  clock: Clock;
  /** Added to the inherited environment of every command (e.g. the database URL). */
  env?: Record<string, string>;
  killGraceMs?: number;
}

const DEFAULT_KILL_GRACE_MS = 5_000;

export class DatabaseStepRunner {
  constructor(private readonly options: DatabaseStepRunnerOptions) {}

  /**
   * Runs the step once. Not idempotent by itself (a down migration rarely is): the run machine runs
   * each step once, and the scripts get {runId} (and {migration}) to recognise a repeat.
   */
  async execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    const startedAt = this.options.clock.now();
    const finish = (ok: boolean, detail: string): StepResult => ({
      index: step.index,
      status: ok ? 'done' : 'failed',
      startedAt: startedAt.toISOString(),
      finishedAt: this.options.clock.now().toISOString(),
      detail: scrubSecrets(detail),
    });
    const prepared = this.prepare(run, step, service);
    if (typeof prepared === 'string') return finish(false, prepared);
    const { argv, timeoutMs } = prepared;
    const outcome = await runProcess(argv, {
      timeoutMs,
      signal,
      killGraceMs: this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      stdout: 'tail',
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    const seconds = ((this.options.clock.now().getTime() - startedAt.getTime()) / 1000).toFixed(1);
    const ok = outcome.end === 'exited' && outcome.exitCode === 0;
    const head = `${what(step)}: \`${displayArgv(argv)}\` ${describeEnd(outcome, timeoutMs)} (${seconds} s)`;
    const output = outcome.tail.format();
    return finish(ok, output ? `${head}\n${output}` : head);
  }

  /** A script cannot be asked what it would do: say exactly what would run, and run nothing. */
  async dryRun(run: Run, step: Step, service: Service): Promise<StepResult> {
    const at = this.options.clock.now().toISOString();
    const prepared = this.prepare(run, step, service);
    const ok = typeof prepared !== 'string';
    const detail = ok
      ? `database commands cannot be dry-run; nothing was run. ${what(step)} would run \`${displayArgv(prepared.argv)}\` (no shell, timeout ${prepared.timeoutMs / 1000} s)`
      : prepared;
    return { index: step.index, status: ok ? 'done' : 'failed', startedAt: at, finishedAt: at, detail: scrubSecrets(detail) };
  }

  private prepare(run: Run, step: Step, service: Service): { argv: string[]; timeoutMs: number } | string {
    const db = service.database;
    if (!db) return `service ${service.name} has no \`database\` block in the catalog any more: the database step was not run`;
    if (step.kind !== 'database_backup' && step.kind !== 'database_migrate_down') return `a ${step.kind} step is not a database step`;
    const values = {
      service: service.name,
      version: run.plan.toVersion,
      environment: service.environment,
      runId: run.id,
      migration: step.kind === 'database_migrate_down' ? step.migration : '',
    };
    try {
      // The argv was fixed when the plan was approved: people approved exactly this command.
      return {
        argv: expandArgvTemplate(step.argv, values, `the database ${step.kind === 'database_backup' ? 'backup' : 'migrateDown'} command`),
        timeoutMs: db.timeoutSeconds * 1000,
      };
    } catch (error) {
      return (error as Error).message;
    }
  }
}

function what(step: Step): string {
  return step.kind === 'database_migrate_down' ? `migrate down ${step.migration}` : 'back up';
}
