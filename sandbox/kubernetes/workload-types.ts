import type { Condition, IntOrPercent, KubeObject, LabelSelector, PodTemplateSpec } from './kube-types.js';

/** Shapes of the kinds added after Deployments: config, StatefulSets, DaemonSets, their history, Argo Rollouts, HTTPRoutes. */

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export interface Secret extends KubeObject {
  /** Base64 values, as on the wire. */
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
  immutable?: boolean;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: IntOrPercent } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  [key: string]: unknown;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  [key: string]: unknown;
}

export interface StatefulSet extends KubeObject {
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

export interface DaemonSetSpec {
  selector: LabelSelector;
  template: PodTemplateSpec;
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  [key: string]: unknown;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  [key: string]: unknown;
}

export interface DaemonSet extends KubeObject {
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

export interface ControllerRevision extends KubeObject {
  /** For StatefulSets and DaemonSets: `{"spec":{"template":{…,"$patch":"replace"}}}`. */
  data?: unknown;
  revision: number;
}

export interface CanaryStep {
  setWeight?: number;
  pause?: { duration?: string | number };
  [key: string]: unknown;
}

export interface RolloutSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
  progressDeadlineAbort?: boolean;
  strategy: {
    canary?: { steps?: CanaryStep[]; canaryService?: string; stableService?: string; [key: string]: unknown };
    blueGreen?: { activeService: string; previewService?: string; autoPromotionEnabled?: boolean; [key: string]: unknown };
  };
  [key: string]: unknown;
}

export interface RolloutStatus {
  phase?: 'Progressing' | 'Paused' | 'Healthy' | 'Degraded';
  message?: string;
  /** A string in Argo Rollouts (it once held a hash). */
  observedGeneration?: string;
  currentPodHash?: string;
  stableRS?: string;
  currentStepIndex?: number;
  currentStepHash?: string;
  abort?: boolean;
  abortedAt?: string;
  promoteFull?: boolean;
  controllerPause?: boolean;
  pauseConditions?: Array<{ reason: string; startTime: string }>;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  selector?: string;
  conditions?: Condition[];
  blueGreen?: { activeSelector?: string; previewSelector?: string };
  canary?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Rollout extends KubeObject {
  spec: RolloutSpec;
  status?: RolloutStatus;
}

export interface HttpBackendRef {
  name: string;
  kind?: string;
  group?: string;
  namespace?: string;
  port?: number;
  weight?: number;
  [key: string]: unknown;
}

export interface HttpRoute extends KubeObject {
  spec: {
    parentRefs?: Array<{ name: string; namespace?: string; sectionName?: string; [key: string]: unknown }>;
    hostnames?: string[];
    rules?: Array<{ matches?: unknown[]; backendRefs?: HttpBackendRef[]; [key: string]: unknown }>;
    [key: string]: unknown;
  };
  status?: { parents?: unknown[] };
}
