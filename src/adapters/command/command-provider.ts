// DeployProvider for services rolled back by a script from the catalog (`command: { rollback: [...] }`).
// The bot knows nothing about what such a service runs: it runs the command, reports what it printed,
// and leaves verification to the catalog's HTTP checks and smoke commands.
import type { Deployment, DeployState, Evidence, Run, Step, StepResult, Verification } from '../../core/model.js';
import type { Clock, DeployProvider } from '../../core/ports.js';
import type { CommandTarget, Service } from '../../core/service.js';
import { scrubSecrets } from '../../core/scrub.js';
import { displayArgv, expandArgvTemplate } from './argv-template.js';
import { describeEnd, runProcess } from './process-runner.js';

export interface CommandProviderOptions {
  clock: Clock;
  /** Added to the inherited environment of every command. */
  env?: Record<string, string>;
  /** Between SIGTERM to the command's process group and SIGKILL. */
  killGraceMs?: number;
}

const DEFAULT_KILL_GRACE_MS = 5_000;

export class CommandProvider implements DeployProvider {
  private readonly clock: Clock;
  private readonly env: Record<string, string> | undefined;
  private readonly killGraceMs: number;

  constructor(options: CommandProviderOptions) {
    this.clock = options.clock;
    this.env = options.env;
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  }

  /**
   * Nothing is observable, so nothing is claimed: no components, hence no drift, capacity or
   * rollout-in-progress check can apply to a command service.
   */
  async currentState(service: Service, _signal: AbortSignal): Promise<DeployState> {
    commandTarget(service);
    return { components: [] };
  }

  /**
   * Runs the plan's argv (fixed at plan time, so people approved exactly this command). Not idempotent
   * by itself: the run machine executes a step once, and scripts get {runId} to dedupe a retry.
   */
  async execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    const target = commandTarget(service);
    const startedAt = this.clock.now();
    const finish = (ok: boolean, detail: string): StepResult => ({
      index: step.index,
      status: ok ? 'done' : 'failed',
      startedAt: startedAt.toISOString(),
      finishedAt: this.clock.now().toISOString(),
      detail: scrubSecrets(detail),
    });
    if (step.kind !== 'command') return finish(false, `a ${step.kind} step cannot run on a command service`);
    let argv: string[];
    try {
      argv = expandArgvTemplate(step.argv, valuesFor(run, service));
    } catch (error) {
      return finish(false, (error as Error).message);
    }
    const timeoutMs = target.timeoutSeconds * 1000;
    const outcome = await runProcess(argv, {
      timeoutMs,
      signal,
      killGraceMs: this.killGraceMs,
      stdout: 'tail',
      ...(this.env ? { env: this.env } : {}),
    });
    const seconds = ((this.clock.now().getTime() - startedAt.getTime()) / 1000).toFixed(1);
    const ok = outcome.end === 'exited' && outcome.exitCode === 0;
    const head = `\`${displayArgv(argv)}\` ${describeEnd(outcome, timeoutMs)} (${seconds} s)`;
    const output = outcome.tail.format();
    return finish(ok, output ? `${head}\n${output}` : head);
  }

  /** There is no way to ask a script what it would do: say so, and show exactly what would run. */
  async dryRun(run: Run, step: Step, service: Service, _signal: AbortSignal): Promise<StepResult> {
    const target = commandTarget(service);
    const at = this.clock.now().toISOString();
    const result = (ok: boolean, detail: string): StepResult => ({
      index: step.index,
      status: ok ? 'done' : 'failed',
      startedAt: at,
      finishedAt: at,
      detail: scrubSecrets(detail),
    });
    if (step.kind !== 'command') return result(false, `a ${step.kind} step cannot run on a command service`);
    try {
      const argv = expandArgvTemplate(step.argv, valuesFor(run, service));
      return result(
        true,
        `commands cannot be dry-run; nothing was run. It would run \`${displayArgv(argv)}\` (no shell, timeout ${target.timeoutSeconds} s)`,
      );
    } catch (error) {
      return result(false, (error as Error).message);
    }
  }

  async discoverHistory(service: Service, _signal: AbortSignal): Promise<Deployment[]> {
    commandTarget(service);
    return [];
  }

  async verify(_run: Run, service: Service, _signal: AbortSignal): Promise<Verification> {
    commandTarget(service);
    const at = this.clock.now().toISOString();
    return {
      phase: 'Succeeded',
      checks: [
        {
          name: 'command rollback state',
          phase: 'skipped',
          durationMs: 0,
          detail: "the command provider has no state to verify; the catalog's HTTP checks and smoke commands verify this service",
        },
      ],
      startedAt: at,
      finishedAt: at,
    };
  }

  /** A script leaves no pods or events we could read; nothing is invented. */
  async evidence(_run: Run, service: Service, failedImages: string[], _signal: AbortSignal): Promise<Evidence> {
    commandTarget(service);
    return { failedImages, pods: [], warnings: [], logs: [] };
  }
}

function valuesFor(run: Run, service: Service) {
  return { service: service.name, version: run.plan.toVersion, environment: service.environment, runId: run.id };
}

function commandTarget(service: Service): CommandTarget {
  if (service.target.kind !== 'command') throw new Error(`service ${service.name} is not rolled back by a command`);
  return service.target;
}
