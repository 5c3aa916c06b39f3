// A service as the catalog (smartspec.yml) describes it. The config layer parses the file into this shape.
import type { Risk } from './model.js';

export interface KubernetesTarget {
  kind: 'kubernetes';
  context?: string;
  namespace: string;
  /** The components. */
  deployments: string[];
  /** Components that may not be rolled back alone: a partial rollback naming them is refused. */
  core: string[];
  /** Instant rollback: the Service whose selector label picks the live side (value = slot). */
  blueGreen?: { service: string; label: string };
  /** StatefulSets, DaemonSets and Argo Rollouts that are components too, each rolled back the way its kind is. */
  workloads?: WorkloadRef[];
  /** StatefulSets, DaemonSets and Rollouts: a rollout that makes no progress for this long fails its step. */
  progressDeadlineSeconds?: number;
  /** Blue-green services: shift traffic step by step (the default strategy when set; `--strategy gradual` otherwise). */
  gradual?: GradualSpec;
  /** Record the ConfigMaps (data) and Secrets (a hash) the pod templates reference, and restore the ConfigMaps on rollback. */
  configSnapshot?: { maxBytes: number };
}

export interface GradualSpec {
  /** Percentages of traffic on the target side, ascending, ending at 100. */
  steps: number[];
  /** Wait this long after each shift before the gate's checks. */
  pauseSeconds: number;
  /** How long each gate's checks may take before the step counts as failed. */
  gateSeconds: number;
  /** Shift Gateway API HTTPRoute backend weights instead of replicas; `backends` maps a side (Deployment) to its backend Service when the names differ. */
  httpRoute?: { name: string; rule: number; backends?: Record<string, string> };
}

/** What `--strategy gradual` uses when the catalog has no `kubernetes.gradual`. */
export const DEFAULT_GRADUAL: GradualSpec = { steps: [25, 50, 75, 100], pauseSeconds: 30, gateSeconds: 120 };

export interface WorkloadRef {
  name: string;
  kind: 'StatefulSet' | 'DaemonSet' | 'Rollout';
}

/** Every component of a Kubernetes service: its Deployments, then its other workloads. */
export function kubernetesComponents(target: KubernetesTarget): string[] {
  return [...target.deployments, ...(target.workloads ?? []).map((w) => w.name)];
}

export interface HelmTarget {
  kind: 'helm';
  context?: string;
  namespace: string;
  release: string;
  timeoutSeconds: number;
}

export interface CommandTarget {
  kind: 'command';
  /** argv template: {service}, {version}, {environment}, {runId} are substituted; never a shell. */
  rollback: string[];
  timeoutSeconds: number;
}

export type DeployTarget = KubernetesTarget | HelmTarget | CommandTarget;

export interface HttpCheckSpec {
  url: string;
  status: number;
}

/** A Prometheus instant query sampled over a window; every sample must be within the threshold. */
export interface PrometheusCheckSpec {
  name: string;
  url: string;
  query: string;
  max?: number;
  min?: number;
  samples: number;
  intervalSeconds: number;
}

export interface VerificationSpec {
  http: HttpCheckSpec[];
  commands: string[][];
  prometheus: PrometheusCheckSpec[];
  timeoutSeconds: number;
  /** true: a rollback whose verification checked nothing fails instead of ending "not verified". */
  required: boolean;
}

export interface ApprovalPolicy {
  /** Slack user ids (U…/W…) and user-group ids (S…). */
  approvers: string[];
  /** Who may ask for a rollback at all; empty means anyone in the channel. */
  requesters: string[];
  /** Where the command may be used; empty means anywhere. */
  channels: string[];
  required: number;
  highRiskRequired: number;
  allowSelfApproval: boolean;
  autoApprove: string[];
  /** CI, calling /api/v1/rollbacks with the API token, may auto-approve (never a blocked plan). */
  apiAutoApprove: boolean;
  /** The highest risk --auto-approve, API auto-approve and PagerDuty autoRollback may execute without people. */
  maxAutoRisk: Risk;
  /** A plan still waiting after this many minutes reminds its approvers once (and notes its PagerDuty incident). */
  remindAfterMinutes: number;
}

export interface Service {
  name: string;
  environment: string;
  channel?: string;
  target: DeployTarget;
  verification: VerificationSpec;
  approvals: ApprovalPolicy;
  /** Minutes a plan stays approvable. */
  planExpiryMinutes: number;
  /** Deployments kept per service and environment; older records are pruned. */
  historyKeep: number;
  /** true (default): a rollback that may lose data is blocked; false: it is only a warning. */
  preserveDataMigrations: boolean;
  pagerduty?: PagerDutyPolicy;
  /** The environment is in the catalog's `requireReasonIn`: people must say why (`--reason`). */
  reasonRequired: boolean;
  /** Alertmanager silences the service's alerts while a run changes production. */
  alertmanager?: AlertmanagerPolicy;
  /** Prometheus queries that say, at planning, what is breached now and how the target version did. */
  detection?: DetectionSpec;
  /** Database rollback as plan steps: a backup, then the down migrations of what is undone. */
  database?: DatabaseRollback;
  /** The service's runbook, linked from the alert raised when a rollback needs a person. */
  runbook?: string;
  /** Where the follow-up after a rollback is tracked: an issue with the root-cause report, once per run. */
  followUp?: { github?: { repo: string } };
  /** Rehearse this service's rollback (plan, dry runs, access reviews; nothing executed) every so often. */
  rehearsal?: { everyHours: number };
}

/** argv templates (never a shell): {service}, {version}, {environment}, {runId}; migrateDown also {migration}. */
export interface DatabaseRollback {
  backup: string[];
  migrateDown: string[];
  /** Each backup or migration step's deadline. */
  timeoutSeconds: number;
}

/** A label matcher as Alertmanager's v2 API spells it. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface AlertmanagerPolicy {
  /** Base URL, e.g. http://alertmanager.monitoring:9093. */
  url: string;
  /** Which alerts the run's silence quiets, e.g. service="checkout". */
  matchers: SilenceMatcher[];
  /** The longest a silence lives if the bot is gone for good; the bot ends it when the run ends. */
  maxMinutes: number;
}

export type DetectionSeverity = 'critical' | 'high' | 'medium' | 'low';

/** One SLO-style query: its value now against a threshold, and the same query before the bad deploy. */
export interface DetectionQuery {
  name: string;
  kind: 'error_rate' | 'latency' | 'saturation';
  query: string;
  max?: number;
  min?: number;
  /** How bad a breach of this query is: a breached `critical` query makes the incident CRITICAL. */
  severity: DetectionSeverity;
  /** Shown after values, e.g. "%", "ms". */
  unit?: string;
}

export interface DetectionSpec {
  /** Prometheus base URL. */
  url: string;
  /** When the series carry the version (e.g. `version`), the failed and target versions are told apart by it. */
  versionLabel?: string;
  queries: DetectionQuery[];
}

export interface PagerDutyPolicy {
  /** PagerDuty service ids (P…) whose incidents concern this service. */
  services: string[];
  /** Roll back without a click when the decision matrix says "immediately". */
  autoRollback: boolean;
  /** Events API v2 routing key for "rollback failed, manual intervention required" alerts. */
  routingKey?: string;
  /** How far back a deployment counts as the suspect of a new incident. */
  windowMinutes: number;
}

/** The components a service is made of, whatever deploys it. */
export function componentsOf(service: Service): string[] {
  switch (service.target.kind) {
    case 'kubernetes':
      return kubernetesComponents(service.target);
    case 'helm':
      return [service.target.release];
    case 'command':
      return [service.name];
  }
}

export interface Catalog {
  services: Map<string, Service>;
  /** Per-service API tokens (the admin SMARTSPEC_API_TOKEN is not here). */
  apiTokens?: ApiTokenSpec[];
  /** What is legal but probably a mistake, e.g. a service without checks; logged at startup. */
  warnings?: string[];
}

export type ApiScope = 'record' | 'rollback' | 'read';

/** A machine's token: only its SHA-256 is kept; it may do `scopes` on `services` ('*' = all). */
export interface ApiTokenSpec {
  name: string;
  sha256: string;
  scopes: ApiScope[];
  services: string[];
}
