// What happens to a run, as typed domain data. The core emits these; each edge renders them its own
// way (Slack: words, emoji and mentions; PagerDuty: incident notes; Alertmanager: silences). Nothing
// here is markup: people are `Actor`s or approver references, errors are plain text.
//
// Stability: adapters switch on `type`. Add new event types and new optional fields; never rename
// or remove one.
import type { Actor, Run, RunStatus, Verification } from '../model.js';

/** An approver as the catalog names one: a person or a user group (Slack ids `U…` / `S…`). */
export interface ApproverRef {
  kind: 'user' | 'user_group';
  id: string;
}

/** One step of the plan, as people read it. */
export interface StepRef {
  index: number;
  component: string;
  description: string;
}

/**
 * Where one component was found (or left). `at`: 'target' — already what the rollback aims for;
 * 'start' — still what the plan observed before any change; 'elsewhere' — something else (a hand
 * fix, a new deploy, a rollout half-way); 'unknown' — the cluster could not be read.
 */
export interface ComponentPlace {
  component: string;
  images: string[];
  revision?: number;
  at: 'target' | 'start' | 'elsewhere' | 'unknown';
  rolloutInProgress?: boolean;
}

interface Base {
  runId: string;
  /** ISO-8601 UTC, from the injected clock. */
  at: string;
}

/** A plan was recorded. `status` tells whether it waits for approval, is blocked, or is a dry run. */
export interface PlannedEvent extends Base {
  type: 'planned';
  actor: Actor;
  status: Extract<RunStatus, 'awaiting_approval' | 'blocked' | 'planned'>;
  /** Who may approve (to mention them); empty for blocked plans and dry runs. */
  approvers: ApproverRef[];
  /** Set when this run plans again what an earlier run planned. */
  supersedes?: { runId: string; why: 'retry' | 'drift' };
}

/** One approval was counted; more are needed. */
export interface ApprovalRecordedEvent extends Base {
  type: 'approval_recorded';
  actor: Actor;
  missing: number;
}

export interface ApprovedEvent extends Base {
  type: 'approved';
  /** The one whose approval completed it (or the requester / PagerDuty when automatic). */
  actor: Actor;
  /** Slack user ids of the approvals that counted; empty when automatic. */
  approvals: string[];
  automatic: boolean;
}

export interface RejectedEvent extends Base {
  type: 'rejected';
  actor: Actor;
  reason?: string;
}

/** Execution begins: the first cluster write is next. Alertmanager silences start here. */
export interface ExecutionStartedEvent extends Base {
  type: 'execution_started';
  components: string[];
  steps: StepRef[];
}

export interface StepStartedEvent extends Base {
  type: 'step_started';
  step: StepRef;
  /** Steps in the plan, to show "2 of 3". */
  of: number;
}

export interface StepDoneEvent extends Base {
  type: 'step_done';
  step: StepRef;
  of: number;
  /** What the provider reported, plain text. */
  detail: string;
}

export interface StepFailedEvent extends Base {
  type: 'step_failed';
  step: StepRef;
  of: number;
  error: string;
  /** Steps after the failed one, not done. */
  notDone: StepRef[];
}

export interface VerifyingEvent extends Base {
  type: 'verifying';
}

/** Verification finished (either way); the report follows in `succeeded` / `failed`. */
export interface VerifiedEvent extends Base {
  type: 'verified';
  phase: Verification['phase'];
  passed: number;
  failed: number;
}

/** Terminal: the rollback is done and verified. */
export interface SucceededEvent extends Base {
  type: 'succeeded';
  toVersion: string;
}

/** Terminal. `cause` says why; `components` where the cluster was left, when it could be read. */
export interface FailedEvent extends Base {
  type: 'failed';
  cause: 'step_failed' | 'verification_failed' | 'internal_error';
  /** Plain text. */
  error: string;
  /** For 'internal_error': the id under which the error was logged (not a run id). */
  errorId?: string;
  components: ComponentPlace[];
}

/** Someone asked to stop a run that is executing; it stops before its next step. */
export interface CancelRequestedEvent extends Base {
  type: 'cancel_requested';
  actor: Actor;
}

/** Terminal. For a waiting plan: withdrawn. For an executing run: stopped, with where things were left. */
export interface CancelledEvent extends Base {
  type: 'cancelled';
  actor: Actor;
  /** The status the run was in when it was stopped. */
  was: RunStatus;
  why: 'requested' | 'not_shown';
  stepsDone: StepRef[];
  stepsNotDone: StepRef[];
  /** Empty when no step had run (nothing in the cluster was touched). */
  components: ComponentPlace[];
}

/** Terminal: nobody decided in time. The plan message loses its buttons. */
export interface ExpiredEvent extends Base {
  type: 'expired';
  expiresAt: string;
}

/** A plan has waited `waitedMinutes` for approvals: remind its approvers (once). */
export interface ReminderDueEvent extends Base {
  type: 'reminder_due';
  approvers: ApproverRef[];
  missing: number;
  waitedMinutes: number;
  expiresAt: string;
}

/** A run whose owner stopped was claimed again and goes on from `fromStep` (verification when undefined). */
export interface ResumedEvent extends Base {
  type: 'resumed';
  was: RunStatus;
  fromStep?: StepRef;
  stepsDone: StepRef[];
  components: ComponentPlace[];
}

/** Terminal: a run whose owner stopped could not be resumed safely. Retry is offered. */
export interface InterruptedEvent extends Base {
  type: 'interrupted';
  was: RunStatus;
  /** Plain-text findings, one per component that moved (or why the cluster could not be judged). */
  found: string[];
  stepsDone: StepRef[];
  stepsNotDone: StepRef[];
  components: ComponentPlace[];
}

/**
 * Terminal for this run: between approval and the first write, the cluster changed. Nothing was
 * executed; the coordinator asks for a refreshed plan (see `replanned` / `replan_failed`).
 */
export interface DriftedEvent extends Base {
  type: 'drifted';
  changes: string[];
}

/** The refreshed (or retried) plan exists as `newRunId`. Emitted on the old run. */
export interface ReplannedEvent extends Base {
  type: 'replanned';
  newRunId: string;
  why: 'retry' | 'drift';
  actor: Actor;
}

export interface ReplanFailedEvent extends Base {
  type: 'replan_failed';
  why: 'retry' | 'drift';
  /** Plain text, safe to show. */
  error: string;
}

/** The plan was shown again after a restart lost where it had been posted. */
export interface ReshownEvent extends Base {
  type: 'reshown';
}

/** The incident behind the plan moved in PagerDuty. */
export interface IncidentProgressEvent extends Base {
  type: 'incident_progress';
  incidentId: string;
  change: 'acknowledged' | 'resolved';
  by?: string;
  occurredAt: string;
}

/** The verification and root-cause reports are recorded on the run: post them. */
export interface ReportsReadyEvent extends Base {
  type: 'reports_ready';
  verification: boolean;
  rootCause: boolean;
}

export type RunEvent =
  | PlannedEvent
  | ApprovalRecordedEvent
  | ApprovedEvent
  | RejectedEvent
  | ExecutionStartedEvent
  | StepStartedEvent
  | StepDoneEvent
  | StepFailedEvent
  | VerifyingEvent
  | VerifiedEvent
  | SucceededEvent
  | FailedEvent
  | CancelRequestedEvent
  | CancelledEvent
  | ExpiredEvent
  | ReminderDueEvent
  | ResumedEvent
  | InterruptedEvent
  | DriftedEvent
  | ReplannedEvent
  | ReplanFailedEvent
  | ReshownEvent
  | IncidentProgressEvent
  | ReportsReadyEvent;

export type RunEventType = RunEvent['type'];

/** Events after which the run is over: Alertmanager silences end, buttons change to Retry. */
export const TERMINAL_EVENT_TYPES: readonly RunEventType[] = ['succeeded', 'failed', 'cancelled', 'expired', 'interrupted', 'drifted', 'rejected'];

/**
 * One consumer of run events (the Slack renderer, PagerDuty notes, Alertmanager silences, the plan
 * message). `run` is the run as stored right after the event. A subscriber may throw or be slow:
 * the sink logs the failure and bounds the wait; it never reaches the run.
 */
export interface RunEventSubscriber {
  readonly name: string;
  handle(event: RunEvent, run: Run): Promise<void>;
  /**
   * True for the events the run must not go past before this subscriber has handled them (an
   * Alertmanager silence before the first cluster write). Everything else is delivered in the
   * background: a chat.update never delays a rollback.
   */
  holdsRun?(event: RunEvent): boolean;
}

/** Where the core sends run events. Never throws. Subscribers see events of one run in order. */
export interface RunEventSink {
  /** Resolves once the subscribers that hold the run for this event have handled it; the rest follows in the background. */
  publish(event: RunEvent, run: Run): Promise<void>;
  /** Resolves when every event published so far (for `runId`, or for all runs) has reached every subscriber. */
  delivered?(runId?: string): Promise<void>;
}
