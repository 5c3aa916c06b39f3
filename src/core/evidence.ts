// What the cluster (and the incident, and the deployment records) showed about the failed version,
// and what we conclude from it. Plain data: stored with the run, rendered in Slack, Markdown and the CLI.
import type { Migration } from './model.js';
import type { IncidentLogEntry } from './ports.js';

export interface PodEvidence {
  name: string;
  component: string;
  image: string;
  phase: string;
  ready: boolean;
  restarts: number;
  waitingReason?: string;
  /** The kubelet's message for the waiting state (e.g. why the pull failed); scrubbed before it is shown. */
  waitingMessage?: string;
  lastTerminationReason?: string;
  lastExitCode?: number;
  scheduledFailure?: string;
}

export interface EventEvidence {
  /** `Kind/name`, e.g. `Pod/checkout-api-7d9f-x2kqz` or `ReplicaSet/checkout-api-7d9f`. */
  object: string;
  reason: string;
  message: string;
  count: number;
}

export interface LogEvidence {
  pod: string;
  container: string;
  lines: string[];
}

/** One field that differs between the target (last good) template and the failed one. */
export interface ValueChange {
  /** Which container, when the field belongs to one. */
  container?: string;
  /** e.g. `image`, `limits.memory`, `readinessProbe`, `checksum/config`. */
  field: string;
  /** Absent when the failed version added the field. */
  target?: string;
  /** Absent when the failed version removed the field. */
  failed?: string;
}

/**
 * Environment variable NAMES only. Values are compared to tell "changed" from "unchanged" and then
 * forgotten: they are often secrets, and a report must never carry one.
 */
export interface EnvNameChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** How one component's pod template changed from the target revision to the failed one. */
export interface ComponentDiff {
  component: string;
  targetRevision?: number;
  failedRevision?: number;
  images: ValueChange[];
  /** Names as `container/NAME` when the pod has several containers, plain `NAME` otherwise. */
  env: EnvNameChanges;
  /** requests/limits per container; `target`/`failed` are Kubernetes quantities (`256Mi`, `500m`). */
  resources: ValueChange[];
  replicas?: { target: number; failed: number };
  /** A probe added, removed or changed; values are a short description (`HTTP GET /healthz :8080`). */
  probes: ValueChange[];
  /** Config checksum annotations (`checksum/config` and the like) whose value changed. */
  configHashes: ValueChange[];
  /** ConfigMaps and Secrets the pods mount or load (`configMap/name`, `secret/name`) that came or went. */
  configRefs: { added: string[]; removed: string[] };
}

export interface TemplateDiff {
  components: ComponentDiff[];
}

/** What the deployment records say changed between the two versions. */
export interface ReleaseDiff {
  failedDeploymentId: string;
  targetDeploymentId: string;
  failedVersion: string;
  targetVersion: string;
  failedGitSha?: string;
  targetGitSha?: string;
  /** When the failed version was deployed: the start of the impact. */
  failedDeployedAt: string;
  targetDeployedAt: string;
  /** Migrations of every deploy after the target up to the failed one: what the failed version's schema added. */
  migrations: Migration[];
  /** Images per component as recorded, where they differ. */
  images: ValueChange[];
}

export interface IncidentEvidence {
  id: string;
  /** The incident's own log (triggered, acknowledged, alerts, notes), oldest first. */
  entries: IncidentLogEntry[];
}

export interface Evidence {
  failedImages: string[];
  pods: PodEvidence[];
  warnings: EventEvidence[];
  logs: LogEvidence[];
  /** The failed pod template against the target's, from the cluster's ReplicaSets. */
  diff?: TemplateDiff;
  /** The failed deployment record against the target's. */
  release?: ReleaseDiff;
  incident?: IncidentEvidence;
  /** What the collector left out to stay bounded, so reports can say so. */
  omitted?: { pods: number; warnings: number };
}

export type CauseKind =
  | 'oom'
  | 'image_pull'
  | 'container_config'
  | 'crash_loop'
  | 'unschedulable'
  | 'readiness_probe'
  | 'liveness_probe'
  | 'killed'
  | 'config_change'
  | 'resources_lowered'
  | 'migration';

export interface ProbableCause {
  /** Stable id of the kind of cause: follow-ups and tests key on it. Absent in runs stored before it existed. */
  kind?: CauseKind;
  summary: string;
  confidence: 'high' | 'medium' | 'low';
  /** The evidence lines behind the cause: never empty. */
  evidence: string[];
}

export interface RootCause {
  causes: ProbableCause[];
  pods: PodEvidence[];
  warnings: EventEvidence[];
  lastLogLines: LogEvidence[];
  diff?: TemplateDiff;
  release?: ReleaseDiff;
  incident?: IncidentEvidence;
  omitted?: { pods: number; warnings: number };
}
