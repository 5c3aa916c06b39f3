// Rollback readiness, tested before an incident rather than found out during one: whether each
// service could be rolled back right now, found by rehearsing its rollback without executing it. Plain data, as every edge shows it.

export interface ServiceReadiness {
  service: string;
  environment: string;
  ready: boolean;
  /** ISO 8601 UTC. */
  checkedAt: string;
  /** How long the rehearsal took: the plan, the dry runs and the access reviews. */
  durationMs: number;
  fromVersion?: string;
  toVersion?: string;
  steps: number;
  dryRun: 'accepted' | 'refused' | 'not_run';
  permissions: 'granted' | 'denied' | 'unchecked';
  targetRevision: 'present' | 'gone' | 'not_applicable' | 'unknown';
  /** Why the service is not ready, one line each, safe to show; empty when ready. */
  problems: string[];
}

/** The latest rehearsal of each service, as this process saw it. */
export class ReadinessBoard {
  private readonly latest = new Map<string, ServiceReadiness>();
  private readonly lastReady = new Map<string, string>();
  private readonly listeners: Array<(r: ServiceReadiness) => void> = [];

  /** Records a result; returns the previous one. */
  record(result: ServiceReadiness): ServiceReadiness | undefined {
    const previous = this.latest.get(result.service);
    this.latest.set(result.service, result);
    if (result.ready) this.lastReady.set(result.service, result.checkedAt);
    for (const listener of this.listeners) listener(result);
    return previous;
  }

  get(service: string): ServiceReadiness | undefined {
    return this.latest.get(service);
  }

  /** When this process last saw the service ready. */
  lastReadyAt(service: string): string | undefined {
    return this.lastReady.get(service);
  }

  all(): ServiceReadiness[] {
    return [...this.latest.values()].sort((a, b) => a.service.localeCompare(b.service));
  }

  /** E.g. the `smartspec_rollback_ready` gauge. */
  onRecord(listener: (r: ServiceReadiness) => void): void {
    this.listeners.push(listener);
  }
}

/** A stable key for "the same reasons": one message per service per turn to not-ready. */
export function problemsKey(result: ServiceReadiness): string {
  return result.problems
    .map((p) => p.replace(/\d+(\.\d+)? s\b/g, '').trim())
    .sort()
    .join(' | ');
}
