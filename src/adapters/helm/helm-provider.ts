// DeployProvider for services deployed as Helm releases, through the helm CLI (the same binary, plugins
// and storage driver people use by hand): history for state and discovery, `helm rollback --wait`.
import type { Deployment, DeployState, Evidence, Run, Step, StepResult, Verification } from '../../core/model.js';
import type { Clock, DeployProvider } from '../../core/ports.js';
import type { HelmTarget, Service } from '../../core/service.js';
import { scrubSecrets } from '../../core/scrub.js';
import { describeEnd } from '../command/process-runner.js';
import { HelmCli } from './helm-cli.js';
import { isPending, latestRevision, readHelmHistory, type HelmRevision } from './helm-history.js';
import { releaseComponent, releaseDeployments } from './helm-state.js';
import { verifyReleaseChecks } from './helm-verify.js';

export interface HelmProviderOptions {
  helmBinary?: string;
  kubeconfig?: string;
  clock: Clock;
  /** Added to helm's inherited environment (HELM_DRIVER, HELM_CACHE_HOME…). */
  env?: Record<string, string>;
  /** Between SIGTERM to helm's process group and SIGKILL. */
  killGraceMs?: number;
  /**
   * Helm's own `--timeout` should end a slow rollback, with helm's message; our kill past it by this
   * margin is only the backstop for a helm that hangs (e.g. on an unreachable API server).
   */
  timeoutMarginSeconds?: number;
  /** Bound on `helm history` and `--dry-run`, which only read. */
  readTimeoutSeconds?: number;
}

export class HelmProvider implements DeployProvider {
  private readonly cli: HelmCli;
  private readonly clock: Clock;
  private readonly marginMs: number;
  private readonly readTimeoutMs: number;

  constructor(options: HelmProviderOptions) {
    this.clock = options.clock;
    this.marginMs = (options.timeoutMarginSeconds ?? 60) * 1000;
    this.readTimeoutMs = (options.readTimeoutSeconds ?? 30) * 1000;
    this.cli = new HelmCli({
      helmBinary: options.helmBinary ?? 'helm',
      killGraceMs: options.killGraceMs ?? 5_000,
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
  }

  /** An unknown release is no component (the drift check then says it is missing); other failures throw. */
  async currentState(service: Service, signal: AbortSignal): Promise<DeployState> {
    const target = helmTarget(service);
    const history = await readHelmHistory(this.cli, target, this.readTimeoutMs, signal);
    return { components: history.found ? [releaseComponent(target, history.revisions)] : [] };
  }

  async execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    const target = helmTarget(service);
    const startedAt = this.clock.now();
    const finish = (ok: boolean, detail: string): StepResult => ({
      index: step.index,
      status: ok ? 'done' : 'failed',
      startedAt: startedAt.toISOString(),
      finishedAt: this.clock.now().toISOString(),
      detail: scrubSecrets(detail),
    });
    const refusal = refuse(step, target);
    if (refusal || step.kind !== 'helm_rollback') return finish(false, refusal ?? 'not a helm step');
    try {
      const before = await readHelmHistory(this.cli, target, this.readTimeoutMs, signal);
      if (!before.found) return finish(false, `helm does not know release ${target.release} in namespace ${target.namespace}`);
      const latest = latestRevision(before.revisions);
      const blocker = latest && blockerIn(target, latest, step.revision);
      if (blocker) return finish(false, blocker);
      if (latest && appliedForRun(latest, step.revision, run)) {
        return finish(
          true,
          `already rolled back to revision ${step.revision} (revision ${latest.revision}, deployed ${latest.updated}): not rolled back again`,
        );
      }
      const args = this.cli.rollbackArgs(target, step.revision, false);
      const timeoutMs = target.timeoutSeconds * 1000 + this.marginMs;
      const outcome = await this.cli.run(args, timeoutMs, signal, 'tail');
      const ok = outcome.end === 'exited' && outcome.exitCode === 0;
      const seconds = ((this.clock.now().getTime() - startedAt.getTime()) / 1000).toFixed(1);
      // Read afresh: the step's own signal may be what ended helm.
      const after = await readHelmHistory(this.cli, target, this.readTimeoutMs, AbortSignal.timeout(this.readTimeoutMs)).catch(() => undefined);
      const now = after?.found ? latestRevision(after.revisions) : undefined;
      const lines = [
        `\`${this.cli.display(args)}\` ${describeEnd(outcome, timeoutMs)} (${seconds} s)`,
        now
          ? `release ${target.release} is now at revision ${now.revision} (${now.status}: ${now.chart}${now.appVersion ? `, app ${now.appVersion}` : ''})`
          : '',
        !ok && (outcome.end === 'timed_out' || outcome.end === 'cancelled')
          ? `helm was stopped mid-rollback: the release may be left in pending-rollback; check \`helm history ${target.release} -n ${target.namespace}\` before retrying`
          : '',
        outcome.tail.format(),
      ];
      return finish(ok, lines.filter((l) => l !== '').join('\n'));
    } catch (error) {
      return finish(false, error instanceof Error ? error.message : String(error));
    }
  }

  /** History first (pending, current revision), then `helm rollback --dry-run`, which checks the revision exists. Nothing changes. */
  async dryRun(_run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    const target = helmTarget(service);
    const at = this.clock.now().toISOString();
    const result = (ok: boolean, detail: string): StepResult => ({
      index: step.index,
      status: ok ? 'done' : 'failed',
      startedAt: at,
      finishedAt: this.clock.now().toISOString(),
      detail: scrubSecrets(detail),
    });
    const refusal = refuse(step, target);
    if (refusal || step.kind !== 'helm_rollback') return result(false, refusal ?? 'not a helm step');
    try {
      const history = await readHelmHistory(this.cli, target, this.readTimeoutMs, signal);
      const latest = history.found ? latestRevision(history.revisions) : undefined;
      const blocker = latest && blockerIn(target, latest, step.revision);
      if (blocker) return result(false, blocker);
    } catch (error) {
      return result(false, error instanceof Error ? error.message : String(error));
    }
    const args = this.cli.rollbackArgs(target, step.revision, true);
    const outcome = await this.cli.run(args, this.readTimeoutMs, signal, 'tail');
    if (outcome.end === 'exited' && outcome.exitCode === 0) return result(true, `helm accepted \`${this.cli.display(args)}\`; nothing was changed`);
    const output = outcome.tail.lines();
    return result(
      false,
      `helm would refuse this rollback: ${describeEnd(outcome, this.readTimeoutMs)}${output.length > 0 ? `: ${output.slice(-3).join(' / ')}` : ''}`,
    );
  }

  async discoverHistory(service: Service, signal: AbortSignal): Promise<Deployment[]> {
    const target = helmTarget(service);
    const history = await readHelmHistory(this.cli, target, this.readTimeoutMs, signal);
    return history.found ? releaseDeployments(service, target, history.revisions) : [];
  }

  async verify(run: Run, service: Service, signal: AbortSignal): Promise<Verification> {
    const target = helmTarget(service);
    const startedAt = this.clock.now();
    let checks;
    try {
      const history = await readHelmHistory(this.cli, target, this.readTimeoutMs, signal);
      checks = verifyReleaseChecks(run, target, history, this.clock.now().getTime() - startedAt.getTime());
    } catch (error) {
      // Unreadable history proves nothing: a failed check, with the reason, not an exception.
      checks = [
        {
          name: `helm release ${target.release}`,
          phase: 'failed' as const,
          durationMs: this.clock.now().getTime() - startedAt.getTime(),
          detail: scrubSecrets(error instanceof Error ? error.message : String(error)),
        },
      ];
    }
    return {
      phase: checks.some((c) => c.phase === 'failed') ? 'Failed' : 'Succeeded',
      checks,
      startedAt: startedAt.toISOString(),
      finishedAt: this.clock.now().toISOString(),
    };
  }

  /**
   * Helm knows revisions, not pods: nothing is invented here. Pod states, events and logs of a
   * Helm-deployed workload are the Kubernetes adapter's to read.
   */
  async evidence(_run: Run, service: Service, failedImages: string[], _signal: AbortSignal): Promise<Evidence> {
    helmTarget(service);
    return { failedImages, pods: [], warnings: [], logs: [] };
  }
}

/** Why a step must not run here, before anything is asked of helm. */
function refuse(step: Step, target: HelmTarget): string | undefined {
  if (step.kind !== 'helm_rollback') return `a ${step.kind} step cannot run on a Helm service`;
  if (step.release !== target.release)
    return `the plan rolls back release ${step.release}, but the catalog now names ${target.release}: make a new plan`;
  // Helm reads 0 as "the previous revision", which need not be the target the plan promised.
  if (!Number.isInteger(step.revision) || step.revision < 1)
    return `the plan found no revision of release ${step.release} running the target version, and helm would read revision ${step.revision} as "the previous one": refusing to guess`;
  return undefined;
}

/**
 * Helm 3 writes "Rollback to <n>" on the revision a rollback creates and has no flag to add a run id,
 * so "applied for this run" means: the current revision is a deployed rollback to the same revision,
 * made after the run was created. Rolling back again would only add an identical revision.
 */
function appliedForRun(latest: HelmRevision, revision: number, run: Run): boolean {
  return latest.status === 'deployed' && latest.description === `Rollback to ${revision}` && Date.parse(latest.updated) >= Date.parse(run.createdAt);
}

/** Why the release, as it is now, must not be rolled back to `revision`. */
function blockerIn(target: HelmTarget, latest: HelmRevision, revision: number): string | undefined {
  if (isPending(latest.status)) {
    const ours = latest.description === `Rollback to ${revision}`;
    const what = ours ? `a rollback to revision ${revision} is still running or was interrupted` : 'another Helm operation holds it';
    return `release ${target.release} is stuck in ${latest.status} (revision ${latest.revision}, since ${latest.updated}): ${what}. Check \`helm history ${target.release} -n ${target.namespace}\` before retrying`;
  }
  // Returning to the current revision changes nothing yet would report success. A plan gets here when
  // the failed upgrade changed only values: same chart, same app version as the target.
  if (latest.revision === revision) {
    return `revision ${revision} is the release's current revision (${latest.status}): rolling back to it would change nothing. The target cannot be told apart by chart and app version; roll back by hand with \`helm rollback ${target.release} <revision>\``;
  }
  return undefined;
}

function helmTarget(service: Service): HelmTarget {
  if (service.target.kind !== 'helm') throw new Error(`service ${service.name} is not deployed with Helm`);
  return service.target;
}
