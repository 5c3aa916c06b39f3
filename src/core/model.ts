// The domain vocabulary. Plain data only: everything here can be stored, rendered and compared.
import type { RootCause } from './evidence.js';

export type { EventEvidence, Evidence, LogEvidence, PodEvidence, ProbableCause, RootCause } from './evidence.js';

export type DeploymentStatus = 'succeeded' | 'failed' | 'in_progress' | 'rolled_back';

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
  'planned', 'awaiting_approval', 'approved', 'executing', 'verifying', 'succeeded', 'failed',
  'rejected', 'expired', 'blocked', 'interrupted', 'cancelled',
];

export type Risk = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export type CheckOutcome = 'pass' | 'warn' | 'block';

export interface SafetyCheck {
  id: string;
  outcome: CheckOutcome;
  /** One line the on-call engineer can act on. */
  message: string;
}

/** Who did something. `id` is a Slack user id, a token name, a PagerDuty incident, or 'system'. */
export interface Actor {
  kind: 'slack_user' | 'api' | 'pagerduty' | 'cli' | 'system';
  id: string;
  name?: string;
}

export type StepKind = 'rollout_undo';

export interface Step {
  index: number;
  kind: StepKind;
  component: string;
  description: string;
  expectedSeconds: number;
  /** What the provider needs to do this step; built from the observed cluster state. */
  target: { image: string; revision?: number };
}

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
  history: Array<{ revision: number; images: string[] }>;
}

export interface DeployState {
  components: ComponentState[];
}

export interface RollbackPlan {
  service: string;
  environment: string;
  failedDeploymentId: string;
  targetDeploymentId: string;
  fromVersion: string;
  toVersion: string;
  reason: string;
  strategy: 'full';
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
  startedAt: string;
  finishedAt: string;
}
