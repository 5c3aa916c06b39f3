// The helm commands we run, as argument arrays, and how they are run: through the process runner,
// so helm gets its own process group and a hung helm (an unreachable API server) is killed whole.
import type { HelmTarget } from '../../core/service.js';
import { runProcess, type ProcessOutcome } from '../command/process-runner.js';

export interface HelmCliOptions {
  helmBinary: string;
  /** `--kubeconfig`; without it helm loads its default (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  env?: Record<string, string>;
  killGraceMs: number;
}

/** Helm keeps 10 revisions by default (`--history-max`); 50 covers releases configured to keep more. */
export const HISTORY_MAX = 50;

export class HelmCli {
  constructor(private readonly options: HelmCliOptions) {}

  historyArgs(target: HelmTarget): string[] {
    return ['history', target.release, '-n', target.namespace, ...this.cluster(target), '-o', 'json', '--max', String(HISTORY_MAX)];
  }

  /**
   * `--wait` so that success means the pods are ready, within helm's own `--timeout`. Helm 3 has no
   * `--description` for rollback: it always writes "Rollback to <revision>", which is what the
   * idempotency check reads.
   */
  rollbackArgs(target: HelmTarget, revision: number, dryRun: boolean): string[] {
    return [
      'rollback',
      target.release,
      String(revision),
      '-n',
      target.namespace,
      '--wait',
      '--timeout',
      `${target.timeoutSeconds}s`,
      ...this.cluster(target),
      ...(dryRun ? ['--dry-run'] : []),
    ];
  }

  run(args: string[], timeoutMs: number, signal: AbortSignal, stdout: 'tail' | 'buffer'): Promise<ProcessOutcome> {
    const { helmBinary, env, killGraceMs } = this.options;
    return runProcess([helmBinary, ...args], { timeoutMs, signal, killGraceMs, stdout, ...(env ? { env } : {}) });
  }

  /** How a person would type it, for StepResults. */
  display(args: string[]): string {
    return ['helm', ...args].join(' ');
  }

  private cluster(target: HelmTarget): string[] {
    return [
      ...(target.context ? ['--kube-context', target.context] : []),
      ...(this.options.kubeconfig ? ['--kubeconfig', this.options.kubeconfig] : []),
    ];
  }
}
