/** The emulated kubelet's private view of a pod: what the API object is rendered from. */

export type ContainerPhase = 'creating' | 'pull-error' | 'pull-backoff' | 'running' | 'crash-backoff';

export interface LogLine {
  at: number;
  text: string;
}

export interface TerminatedRun {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerId: string;
}

export interface SimContainer {
  name: string;
  image: string;
  phase: ContainerPhase;
  restartCount: number;
  pullFailures: number;
  startedOnce: boolean;
  startedAt?: number;
  readySince?: number;
  /** When the current phase ends (pull retry, back-off expiry). */
  nextAt: number;
  lastTerminated?: TerminatedRun;
  currentLogs: LogLine[];
  previousLogs?: LogLine[];
  lastProbeEventAt?: number;
}

export interface SimPod {
  uid: string;
  name: string;
  namespace: string;
  createdAt: number;
  scheduledAt?: number;
  nodeName?: string;
  podIP?: string;
  hostIP?: string;
  lastSchedulingEventAt?: number;
  deletingSince?: number;
  containers: SimContainer[];
  /** lastTransitionTime per condition type: only moves when the condition's status flips. */
  conditionSince: Map<string, { status: string; at: number }>;
  /** What was last written, so an unchanged pod costs no render and no store write. */
  written?: { fingerprint: string; resourceVersion: string };
}
