// Everything a use case may touch, injected by the composition root (or by a test's fakes).
import type { Actor, Run, TimelineEvent, VerificationCheck } from '../model.js';
import type { ChatSurface, Clock, DeployProvider, IncidentService, Logger, Store } from '../ports.js';
import type { Catalog, VerificationSpec } from '../service.js';
import type { InstantQuerier } from '../detection.js';
import type { RunEvent, RunEventSink } from '../coordinator/run-events.js';

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
  /** Ids under which unexpected errors are logged; they must not look like run ids (`rb-…`). */
  newErrorId(): string;
  /** Where run events go (the Slack renderer, PagerDuty notes, silences). Never throws. */
  events: RunEventSink;
  /**
   * Tells this process's coordinator that a run has something to do now (approved, cancel asked),
   * so it acts at once instead of at its next poll. Entry points only record intent, then nudge.
   * `runId`: the run just approved here, which the coordinator may claim directly; `approved`: that
   * run as the approval stored it, so a drive that is its first need not read it again.
   */
  nudge?(runId?: string, approved?: Run): void;
  /**
   * Adds ids learnt along the way (the run id once the run exists, the incident) to the log context
   * of the work in progress — an API call, a webhook — so every later log line carries them.
   */
  correlate?(fields: { runId?: string; incidentId?: string }): void;
  /** PagerDuty, when configured. */
  incidents?: IncidentService;
  /** Prometheus instant queries for issue detection at planning (catalog `detection`). */
  prometheus?: InstantQuerier;
}

export const SYSTEM: Actor = { kind: 'system', id: 'smartspec-rollback' };

export function timelineEvent(deps: Pick<UseCaseDeps, 'clock'>, runId: string, actor: Actor, type: string, detail: string): TimelineEvent {
  return { runId, at: deps.clock.now().toISOString(), actor, type, detail };
}

/** How a person is named in plain text (audit details, API, CLI): their name, else their id, and what they are. */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'slack_user') return actor.name ? `${actor.name} (${actor.id})` : actor.id;
  return `${actor.name ?? actor.id} (${actor.kind})`;
}

/**
 * Publishes an event with the run as stored now: `stored` when the caller holds the run as the write
 * this event reports stored it (a transition's answer), else read; an event for a run that vanished is dropped.
 */
export async function publish(deps: Pick<UseCaseDeps, 'store' | 'events'>, event: RunEvent, stored?: Run): Promise<void> {
  const run = stored ?? (await deps.store.getRun(event.runId));
  if (run) await deps.events.publish(event, run);
}
