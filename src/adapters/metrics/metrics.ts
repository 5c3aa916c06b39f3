// The bot's Prometheus metrics, on a registry of its own: the global prom-client registry would make
// two app instances in one process (tests, the demo) collide on metric names.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunStatus } from '../../core/model.js';
import { LeaseMetrics } from './lease-metrics.js';

/** What a failing call went to: deploy providers by kind (a Helm failure is not a Kubernetes one). */
export type Dependency = 'slack' | 'kubernetes' | 'helm' | 'command' | 'database' | 'pagerduty' | 'alertmanager' | 'prometheus';

/** Terminal statuses, pre-created at 0 so a dashboard shows "no failures" rather than "no data". */
const RUN_OUTCOMES: readonly RunStatus[] = ['succeeded', 'failed', 'rejected', 'expired', 'blocked', 'interrupted', 'cancelled'];

// Approvals are human: seconds to an hour. Rollbacks and verification follow Deployment progress
// deadlines and verification timeouts (default 300 s, at most 3600 s).
const APPROVAL_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const ROLLBACK_BUCKETS = [5, 10, 20, 30, 60, 120, 300, 600, 900, 1800];
const VERIFICATION_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC); off in tests that only read our own. */
  defaultMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  /** Claims, takeovers and lease losses across replicas (fed by instrumentStore). */
  readonly leases = new LeaseMetrics(this.registry);
  private readonly commands: Counter<'kind' | 'outcome'>;
  private readonly runs: Counter<'outcome'>;
  private readonly approvalWait: Histogram;
  private readonly rollbackDuration: Histogram;
  private readonly verificationDuration: Histogram;
  private readonly dependencyErrors: Counter<'dependency' | 'operation'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.commands = new Counter({
      name: 'smartspec_commands_total',
      help: 'Slash commands and button clicks handled, by kind (rollback, status, history, help, approve, reject, invalid) and outcome.',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.runs = new Counter({
      name: 'smartspec_runs_total',
      help: 'Rollback runs that reached a terminal status, by status.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of RUN_OUTCOMES) this.runs.inc({ outcome }, 0);
    this.approvalWait = new Histogram({
      name: 'smartspec_approval_wait_seconds',
      help: 'Time from a rollback being requested to its approval.',
      buckets: APPROVAL_BUCKETS,
      registers,
    });
    this.rollbackDuration = new Histogram({
      name: 'smartspec_rollback_duration_seconds',
      help: 'Time a run spent executing its steps (executing → verifying or failed).',
      buckets: ROLLBACK_BUCKETS,
      registers,
    });
    this.verificationDuration = new Histogram({
      name: 'smartspec_verification_duration_seconds',
      help: 'Time a run spent verifying (verifying → succeeded or failed).',
      buckets: VERIFICATION_BUCKETS,
      registers,
    });
    this.dependencyErrors = new Counter({
      name: 'smartspec_dependency_errors_total',
      help: 'Errors thrown by calls to Slack, the deploy providers (kubernetes, helm, command, database steps), PagerDuty, Alertmanager (silences) and Prometheus (detection queries), by dependency and operation.',
      labelNames: ['dependency', 'operation'],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric in this registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  commandHandled(kind: string, outcome: 'ok' | 'usage_error' | 'error'): void {
    this.commands.inc({ kind, outcome });
  }

  runFinished(outcome: RunStatus): void {
    this.runs.inc({ outcome });
  }

  approvalWaited(seconds: number): void {
    if (isDuration(seconds)) this.approvalWait.observe(seconds);
  }

  rollbackTook(seconds: number): void {
    if (isDuration(seconds)) this.rollbackDuration.observe(seconds);
  }

  verificationTook(seconds: number): void {
    if (isDuration(seconds)) this.verificationDuration.observe(seconds);
  }

  dependencyFailed(dependency: Dependency, operation: string): void {
    this.dependencyErrors.inc({ dependency, operation });
  }
}

/** A clock stepped backwards (or an unparsable timestamp) must not poison a histogram. */
function isDuration(seconds: number): boolean {
  return Number.isFinite(seconds) && seconds >= 0;
}
