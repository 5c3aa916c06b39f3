// Everything a use case may touch, injected by the composition root (or by a test's fakes).
import type { Actor, TimelineEvent, VerificationCheck } from '../model.js';
import type { ChatSurface, Clock, DeployProvider, IncidentService, Logger, Store } from '../ports.js';
import type { Catalog, VerificationSpec } from '../service.js';
import type { InstantQuerier } from '../detection.js';

/** Resolves Slack user-group ids to their members; a failure must refuse, never allow. */
export interface ApproverDirectory {
  membersOf(groupId: string): Promise<string[]>;
}

/** HTTP and command checks from a service's verification spec: results, never exceptions. */
export interface HealthChecker {
  run(spec: VerificationSpec, context: { service: string; version: string; runId: string }, signal: AbortSignal): Promise<VerificationCheck[]>;
}

export interface UseCaseDeps {
  store: Store;
  provider: DeployProvider;
  chat: ChatSurface;
  directory: ApproverDirectory;
  health: HealthChecker;
  clock: Clock;
  logger: Logger;
  catalog: Catalog;
  newRunId(): string;
  /** PagerDuty, when configured. */
  incidents?: IncidentService;
  /** Prometheus instant queries for issue detection at planning (catalog `detection`). */
  prometheus?: InstantQuerier;
  /**
   * Aborted when the process is shutting down: executions stop between steps and leave their run as
   * it is, for the next start to report as interrupted. A shutdown is not a failure.
   */
  shutdown?: AbortSignal;
  /** Executions under way, so a shutdown can wait for them to stop writing before closing the store. */
  executions?: Set<Promise<void>>;
}

export const SYSTEM: Actor = { kind: 'system', id: 'smartspec-rollback' };

export function timelineEvent(deps: Pick<UseCaseDeps, 'clock'>, runId: string, actor: Actor, type: string, detail: string): TimelineEvent {
  return { runId, at: deps.clock.now().toISOString(), actor, type, detail };
}

/** How a person is named in messages: a Slack mention for Slack users, the id otherwise. */
export function mention(actor: Actor): string {
  return actor.kind === 'slack_user' ? `<@${actor.id}>` : `${actor.name ?? actor.id} (${actor.kind})`;
}
