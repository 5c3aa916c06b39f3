// What the core needs from the outside world. Adapters implement these; the core never imports adapters.
import type {
  Approval,
  ConfigSnapshot,
  Deployment,
  DeployState,
  Evidence,
  MessageRef,
  Run,
  RunStatus,
  Step,
  StepResult,
  TimelineEvent,
  Verification,
} from './model.js';
import type { Service } from './service.js';
import type { RunOutcome } from './version-history.js';

export type SaveDeploymentOutcome = 'created' | 'identical' | 'conflict';
/** 'locked': another run is active on the service (the store enforces one at a time, atomically). */
export type CreateRunOutcome = 'created' | 'locked';

/** What the audit export asks for; every field given narrows the list. */
export interface RunFilter {
  service?: string;
  statuses?: readonly RunStatus[];
  /** Runs created at or after this instant (ISO 8601). */
  since?: string;
  /** Keyset pagination: only runs after this one in the listing's order (the last run of the previous page). */
  after?: { createdAt: string; id: string };
  limit: number;
}

export interface Store {
  saveDeployment(d: Deployment): Promise<SaveDeploymentOutcome>;
  getDeployment(id: string): Promise<Deployment | undefined>;
  /** Newest first. */
  listDeployments(service: string, environment: string, limit: number): Promise<Deployment[]>;
  /** Deletes all but the newest `keep` deployments of the service and environment (retention). */
  pruneDeployments(service: string, environment: string, keep: number): Promise<number>;
  /** A deployment undone by a successful run is never chosen as a target again. */
  markRolledBack(deploymentId: string, runId: string): Promise<void>;

  createRun(run: Run, event: TimelineEvent): Promise<CreateRunOutcome>;
  getRun(id: string): Promise<Run | undefined>;
  /**
   * Compare-and-set: moves the run to `to` only if its status is one of `from`, and appends the
   * event in the same transaction. Answers with the run as that write stored it, so the caller need
   * not read it again; a second click, a retry or a second replica gets undefined.
   */
  transition(runId: string, from: readonly RunStatus[], to: RunStatus, event: TimelineEvent, lease?: RunLease): Promise<Run | undefined>;
  /** Records an approval once per user; false when this user had already approved. */
  addApproval(runId: string, approval: Approval, event: TimelineEvent): Promise<boolean>;
  setMessage(runId: string, message: MessageRef, lease?: RunLease): Promise<void>;
  /** Upserts the step's result by index; `event`, its audit line, is recorded in the same write. Answers with the run as stored. */
  saveStepResult(runId: string, result: StepResult, lease?: RunLease, event?: TimelineEvent): Promise<Run>;
  saveVerification(runId: string, verification: Verification, lease?: RunLease): Promise<void>;
  saveRootCause(runId: string, rootCause: NonNullable<Run['rootCause']>, lease?: RunLease): Promise<void>;
  appendTimeline(event: TimelineEvent, lease?: RunLease): Promise<void>;
  timeline(runId: string): Promise<TimelineEvent[]>;
  runsInStatus(statuses: readonly RunStatus[]): Promise<Run[]>;
  /** Runs planned because of this incident, oldest first. */
  runsForIncident(incidentId: string): Promise<Run[]>;
  /** True the first time (source, id) is seen: redelivered webhooks are acted on once. */
  rememberEvent(source: string, id: string, at: string): Promise<boolean>;
  /** The run that holds the service's lock, if any; the lock lives as long as a run is active. */
  activeRunFor(service: string, environment: string): Promise<Run | undefined>;
  /** The audit export: runs matching `filter`, newest first (createdAt, then id, descending). */
  listRuns(filter: RunFilter): Promise<Run[]>;
  /** What the newest `limit` runs of a service proved about its versions (planning), newest first like listRuns. */
  runOutcomes(service: string, environment: string, limit: number): Promise<RunOutcome[]>;

  // --- Leases (see RunLease). `now` is the caller's clock (ISO 8601 UTC), so tests control time.
  /**
   * Takes the run if nobody holds a live lease on it (no owner, or the lease expired at or before
   * `now`): owner ← `owner`, fence ← fence + 1, expiry ← now + leaseMs. Undefined when someone else
   * holds it, or the run does not exist. Claiming does not look at the status: the caller decides.
   */
  claimRun(runId: string, owner: string, now: string, leaseMs: number): Promise<ClaimedLease | undefined>;
  /** Extends the lease if it is still this one (same owner and fence); undefined means it was lost. */
  renewLease(lease: RunLease, now: string, leaseMs: number): Promise<RunLease | undefined>;
  /** Gives the run up (owner and expiry cleared; the fence stays, it only ever grows). No-op if lost. */
  releaseLease(lease: RunLease): Promise<void>;
  /** Runs in `statuses` that nobody holds a live lease on at `now`, oldest first. */
  claimableRuns(now: string, statuses: readonly RunStatus[]): Promise<Run[]>;
  /** The lease currently recorded on the run (live or not), for tests and diagnostics. */
  runLease(runId: string): Promise<RunLease | undefined>;
  /**
   * Periodic work done once across replicas: true (and the job is this owner's until now + leaseMs)
   * when nobody holds the job's lease at `now`; false otherwise — including for the same owner.
   */
  claimJob(name: string, owner: string, now: string, leaseMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A replica's hold on one run. `fence` grows by one with every claim of the run, by any replica.
 * Every store write that takes a `lease` argument commits only if the run's stored owner and fence
 * still equal the lease's — otherwise it writes nothing and throws `LeaseLostError` (a `transition`
 * whose status does not match still answers false, as without a lease). So a replica that was
 * paused or partitioned past its expiry, and whose run was claimed by another, records nothing.
 */
export interface RunLease {
  runId: string;
  owner: string;
  fence: number;
  /** ISO 8601 UTC. */
  expiresAt: string;
}

/** A lease just claimed, and whether it was taken over from another owner whose lease had expired. */
export interface ClaimedLease extends RunLease {
  takenOver: boolean;
}

export interface DeployProvider {
  currentState(service: Service, signal: AbortSignal): Promise<DeployState>;
  /** Idempotent per (run, step): executing a step already applied changes nothing. */
  execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult>;
  /** Asks the system to validate the step without applying it (Kubernetes: dryRun=All). Never changes anything. */
  dryRun(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult>;
  /** The deployments the system itself remembers (ReplicaSet revisions, Helm history), for services nobody recorded. */
  discoverHistory(service: Service, signal: AbortSignal): Promise<Deployment[]>;
  /** Never throws for "unhealthy": that is a Failed verification. */
  verify(run: Run, service: Service, signal: AbortSignal): Promise<Verification>;
  evidence(run: Run, service: Service, failedImages: string[], signal: AbortSignal): Promise<Evidence>;
  /**
   * Asks the target system whether the bot may do everything these steps (and the watching and
   * evidence around them) need (Kubernetes: one SelfSubjectAccessReview per verb). Never changes
   * anything. Absent, or undefined: the provider cannot tell, and readiness says "unchecked".
   */
  checkAccess?(service: Service, steps: Step[], signal: AbortSignal): Promise<AccessCheck[] | undefined>;
  /**
   * The configuration `deployment` runs with, if the system runs it now (Kubernetes: referenced ConfigMaps'
   * data, Secrets only as hashes), for the record. Undefined: nothing to snapshot (not configured, not running).
   */
  snapshotConfig?(service: Service, deployment: Deployment, signal: AbortSignal): Promise<ConfigSnapshot | undefined>;
  /**
   * A provider for one execution of `service`, made after its approval: its drift re-read, its evidence
   * and its first write may share reads of the same objects (Kubernetes: the first PATCH carries the
   * drift-checked resourceVersion). Absent: the execution uses this provider itself.
   */
  forExecution?(service: Service): DeployProvider;
}

/** One permission the bot needs, as the target system answered. */
export interface AccessCheck {
  /** e.g. "patch deployments checkout-api in shop". */
  action: string;
  allowed: boolean;
  /** The system's reason, when it gave one. */
  reason?: string;
}

/** Where people see plans and reports. The adapter renders; the core hands it domain data. */
export interface ChatSurface {
  postPlan(run: Run): Promise<MessageRef>;
  updatePlan(run: Run): Promise<void>;
  postThreadReport(run: Run, report: 'verification' | 'root_cause'): Promise<void>;
  postThreadNote(run: Run, text: string): Promise<void>;
  /** A link to the plan's thread, for notes in other tools. */
  permalink(run: Run): Promise<string | undefined>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the incident timeline in PagerDuty says happened (for the root-cause report). */
export interface IncidentLogEntry {
  at: string;
  type: string;
  summary: string;
}

export interface IncidentSummary {
  id: string;
  title: string;
  url?: string;
  /** ISO 8601. */
  createdAt?: string;
}

export interface IncidentAlert {
  routingKey: string;
  summary: string;
  source: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  dedupKey: string;
  details: Record<string, string>;
  /** Shown as links on the alert (Events API v2 `links`), e.g. the service's runbook. */
  links?: Array<{ href: string; text: string }>;
}

/** The incident tool (PagerDuty). Failures throw; callers decide whether they matter. */
export interface IncidentService {
  addNote(incidentId: string, text: string, signal: AbortSignal): Promise<void>;
  timeline(incidentId: string, signal: AbortSignal): Promise<IncidentLogEntry[]>;
  /** Events API v2: a new alert, e.g. "rollback failed, manual intervention required". */
  triggerAlert(alert: IncidentAlert, signal: AbortSignal): Promise<void>;
  /** The incident a person named (`--incident <id>`); undefined when the tool has no such incident. */
  findIncident?(incidentId: string, signal: AbortSignal): Promise<IncidentSummary | undefined>;
  /** The one open incident of `serviceIds` the incident tool links to this Slack channel, if exactly one. */
  incidentForChannel?(workspace: string, channel: string, serviceIds: readonly string[], signal: AbortSignal): Promise<IncidentSummary | undefined>;
}
