// The domain vocabulary. Plain data only: everything here can be stored, rendered and compared.
import type { RootCause } from './evidence.js';
import type { DetectionReport } from './detection-report.js';
import type { ConfigSnapshot, ConfigState, GradualRoute, GradualSplit } from './config-and-traffic.js';

export type { EventEvidence, Evidence, LogEvidence, PodEvidence, ProbableCause, RootCause } from './evidence.js';
export type { DetectionReport, Measurement, Reading } from './detection-report.js';
export type { ConfigSnapshot, ConfigState, GradualRoute, GradualSplit } from './config-and-traffic.js';

/** `unverified`: discovered in the cluster's history; nothing proved it ran healthy. */
export type DeploymentStatus = 'succeeded' | 'failed' | 'in_progress' | 'rolled_back' | 'unverified';

export interface Migration {
  id: string;
  reversible: boolean;
  destructive: boolean;
  mayLoseData: boolean;
}

export interface ComponentSpec {
  image: string;
  replicas?: number;
}

export interface RecordedVerification {
  smoke?: boolean;
  acceptance?: boolean;
  security?: boolean;
  performance?: boolean;
}

/** One deploy of a service: a "snapshot" of what it ran. */
export interface Deployment {
  id: string;
  service: string;
  environment: string;
  version: string;
  gitSha?: string;
  status: DeploymentStatus;
  createdAt: string;
  createdBy: string;
  components: Record<string, ComponentSpec>;
  migrations: Migration[];
  verification?: RecordedVerification;
  /** The configuration this deployment ran with, read from the cluster when it was recorded or discovered. */
  config?: ConfigSnapshot;
}

export type RunStatus =
  | 'planned'
  | 'awaiting_approval'
  | 'approved'
  | 'executing'
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'blocked'
  | 'interrupted'
  | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = [
  'planned',
  'awaiting_approval',
  'approved',
  'executing',
  'verifying',
  'succeeded',
  'failed',
  'rejected',
  'expired',
  'blocked',
  'interrupted',
  'cancelled',
];

export type Risk = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export type CheckOutcome = 'pass' | 'warn' | 'block';

export interface SafetyCheck {
  id: string;
  outcome: CheckOutcome;
  /** One line the on-call engineer can act on. */
  message: string;
  /** A blocker `--force` may turn into a warning (never set on migrations, drift, active runs, stuck releases). */
  overridable?: boolean;
  /** A blocker that `--force` turned into this warning. */
  forced?: boolean;
}

/** Who did something. `id` is a Slack user id, a token name, a PagerDuty incident, or 'system'. */
export interface Actor {
  kind: 'slack_user' | 'api' | 'pagerduty' | 'cli' | 'system';
  id: string;
  name?: string;
}

/**
 * One thing the provider does. `component` names what it acts on (a Deployment, a Helm release, or
 * the service for a command); the action carries what it needs, fixed when the plan was built.
 */
export type StepAction =
  /** Put back the pod template that ran `image` (a ReplicaSet revision), or set the images when that revision is gone. */
  | { kind: 'rollout_undo'; target: { image: string; revision?: number } }
  /** Scale a Deployment and wait until that many replicas are ready (blue-green: warm the idle side first). */
  | { kind: 'scale'; replicas: number; waitReady: boolean }
  /** Point a Service's selector at the other blue-green side. */
  | { kind: 'switch_traffic'; service: string; label: string; from: string; to: string }
  | { kind: 'helm_rollback'; release: string; revision: number }
  | { kind: 'command'; argv: string[] }
  /** Before any down migration: the catalog's `database.backup` argv (a template, expanded at execution). */
  | { kind: 'database_backup'; argv: string[] }
  /** One down migration, newest first; `argv` is the catalog's `database.migrateDown` template with `{migration}`. */
  | { kind: 'database_migrate_down'; migration: string; argv: string[] }
  /** Put back a StatefulSet's or DaemonSet's template from the ControllerRevision that ran `image`. */
  | { kind: 'workload_undo'; workload: 'StatefulSet' | 'DaemonSet'; target: { image: string; revision?: number } }
  /** Abort an Argo Rollout's update in progress: its stable ReplicaSet takes every replica back. */
  | { kind: 'argo_abort' }
  /** Put back an Argo Rollout's template from the ReplicaSet revision that ran `image`, then wait until it is Healthy. */
  | { kind: 'argo_undo'; target: { image: string; revision?: number } }
  /**
   * Gradual: move `percent` of traffic to the side `to` (replica ratio behind one Service, or HTTPRoute
   * weights), then gate on readiness, the HTTP checks and the Prometheus queries; a failed gate puts
   * `previous` back. `component` is the side traffic moves to.
   */
  | {
      kind: 'gradual_shift';
      via: 'replicas' | 'http_route';
      percent: number;
      from: string;
      to: string;
      replicas?: GradualSplit;
      previous: GradualSplit;
      route?: GradualRoute;
      pauseSeconds: number;
      gateSeconds: number;
    }
  /** Put back a ConfigMap's data as the target deployment ran with it, only if it is still at `resourceVersion`. */
  | { kind: 'config_restore'; configMap: string; data: Record<string, string>; resourceVersion: string };

export type Step = {
  index: number;
  component: string;
  description: string;
  expectedSeconds: number;
} & StepAction;

export interface StepResult {
  index: number;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  detail: string;
}

/** What one component of a service is running right now, as observed. */
export interface ComponentState {
  name: string;
  images: string[];
  revision?: number;
  desiredReplicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  rolloutInProgress: boolean;
  /** Revisions the cluster still holds, newest first, with their images. */
  history: Array<{ revision: number; images: string[]; createdAt?: string }>;
  /** Argo CD or Flux manage this object: Git may undo whatever we change. */
  gitOps?: { tool: 'Argo CD' | 'Flux'; app: string };
  /** Blue-green: which side (label value) these pods are, when the service switches by selector. */
  slot?: string;
  /** Helm: the release is stuck mid-operation (pending-install / pending-upgrade / pending-rollback). */
  pendingOperation?: string;
  /** How this component will roll out that a person should know before approving (OnDelete, a partition, pods a StatefulSet waits on). */
  rolloutWarnings?: string[];
}

export interface DeployState {
  components: ComponentState[];
  /** Blue-green: the side the Service's selector points at now. */
  liveSlot?: string;
  /** Gradual by HTTPRoute: the route's backend weight per component (kubernetes.gradual.httpRoute). */
  routeWeights?: Record<string, number>;
  /** The configuration the components reference now (kubernetes.configSnapshot). */
  config?: ConfigState;
}

/** What a person may ask for (`--strategy`); the catalog's `kubernetes.gradual` makes gradual the default. */
export type RequestedStrategy = 'gradual' | 'instant';

/** full: every component · partial: the named ones · instant: blue-green switch of the Service selector. */
export type RollbackStrategy = 'full' | 'partial' | 'instant' | 'gradual';

export interface RollbackPlan {
  service: string;
  environment: string;
  failedDeploymentId: string;
  targetDeploymentId: string;
  fromVersion: string;
  toVersion: string;
  reason: string;
  strategy: RollbackStrategy;
  components: string[];
  checks: SafetyCheck[];
  risk: Risk;
  requiredApprovals: number;
  steps: Step[];
  dryRun: boolean;
  createdAt: string;
  expiresAt: string;
  /** A digest of the cluster state the plan was built from; a mismatch at click time means drift. */
  fingerprint: string;
  /** The incident that prompted this plan, when PagerDuty did. */
  incident?: IncidentRef;
  /** The detection queries measured at planning (catalog `detection`): what is breached now, and before. */
  detection?: DetectionReport;
  /** What the plan saw, to say exactly what changed when the cluster drifts before execution. */
  observed?: ObservedComponent[];
  /** This plan asks again what an earlier run asked: a retry, or a refreshed plan after drift. */
  supersedes?: { runId: string; why: 'retry' | 'drift' };
  /** The request as asked, so a refreshed plan asks the same thing. */
  request?: { targetVersion?: string; components?: string[]; force?: boolean; strategy?: RequestedStrategy };
  /** `--force`: the overridable blockers became warnings; CRITICAL, high-risk approvals, a reason. */
  forced?: boolean;
  /** Asked to run without people (--auto-approve, API auto-approve, PagerDuty autoRollback): whether the risk allows it, and why. */
  automation?: AutomationVerdict;
}

export interface AutomationVerdict {
  via: 'auto-approve' | 'api auto-approve' | 'pagerduty autoRollback';
  allowed: boolean;
  /** e.g. "risk HIGH is above approvals.maxAutoRisk MEDIUM: the plan waits for 2 approvers". */
  reason: string;
}

export interface ObservedComponent {
  name: string;
  images: string[];
  revision?: number;
  desiredReplicas: number;
}

export interface IncidentRef {
  id: string;
  title: string;
  url?: string;
  triggeredAt: string;
  /** Why the decision matrix answered as it did, e.g. "health checks fail: rollback immediately". */
  decision?: string;
}

export interface Approval {
  userId: string;
  at: string;
}

export interface MessageRef {
  channel: string;
  ts: string;
}

export interface Run {
  id: string;
  status: RunStatus;
  plan: RollbackPlan;
  requestedBy: Actor;
  channel: string;
  message?: MessageRef;
  approvals: Approval[];
  stepResults: StepResult[];
  verification?: Verification;
  rootCause?: RootCause;
  createdAt: string;
  updatedAt: string;
}

export interface TimelineEvent {
  runId: string;
  at: string;
  actor: Actor;
  type: string;
  detail: string;
}

export interface VerificationCheck {
  name: string;
  phase: 'passed' | 'failed' | 'skipped';
  measured?: string;
  threshold?: string;
  durationMs: number;
  detail: string;
}

/** Results are data: an unhealthy service is a Failed verification, never an exception. */
export interface Verification {
  phase: 'Succeeded' | 'Failed';
  checks: VerificationCheck[];
  /** Set when nothing was checked: "not verified: no checks are configured". Never call such a run verified. */
  notVerified?: string;
  startedAt: string;
  finishedAt: string;
}
