// Whether a StatefulSet's or DaemonSet's rollout is done, judged by the rules `kubectl rollout
// status` uses for each kind, and an Argo Rollout's by the phase its controller computes.
// Partitions and OnDelete are reported as what they are, never guessed past.
import type { V1DaemonSet, V1StatefulSet } from '@kubernetes/client-node';
import type { RolloutState } from './rollout-status.js';

export type WorkloadKind = 'StatefulSet' | 'DaemonSet' | 'Rollout';

/** The subset of an argoproj.io/v1alpha1 Rollout the bot reads. */
export interface ArgoRollout {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Array<{ name?: string; image?: string }> } };
    strategy?: { canary?: { steps?: unknown[] }; blueGreen?: unknown };
  };
  status?: {
    phase?: string;
    message?: string;
    observedGeneration?: string;
    currentPodHash?: string;
    stableRS?: string;
    abort?: boolean;
    currentStepIndex?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
}

/** What counts as progress: any of these changing restarts the bot's own deadline. */
/**
 * Progress toward the restored revision, as a high-water mark. A count only counts as progress when
 * it passes the best seen so far: a crash-looping pod that flips Ready and back would otherwise look
 * like progress forever and the no-progress deadline would never fire. A new generation observed,
 * a new canary step or a new phase are progress too.
 */
export class ProgressMark {
  private readonly best = new Map<string, number>();
  private labels = '';

  constructor(obj: V1StatefulSet | V1DaemonSet | ArgoRollout) {
    this.advance(obj);
  }

  /** True when `obj` shows progress beyond anything seen before. */
  advance(obj: V1StatefulSet | V1DaemonSet | ArgoRollout): boolean {
    const s = (obj.status ?? {}) as Record<string, unknown>;
    let advanced = false;
    for (const key of COUNTED) {
      const value = Number(s[key] ?? 0);
      if (Number.isFinite(value) && value > (this.best.get(key) ?? -1)) {
        this.best.set(key, value);
        advanced = true;
      }
    }
    const labels = ['observedGeneration', 'currentStepIndex', 'phase'].map((k) => String(s[k] ?? '')).join('/');
    if (labels !== this.labels) {
      this.labels = labels;
      advanced = true;
    }
    return advanced;
  }
}

const COUNTED = [
  'replicas',
  'readyReplicas',
  'updatedReplicas',
  'availableReplicas',
  'currentReplicas',
  'updatedNumberScheduled',
  'numberReady',
  'numberAvailable',
];

export function statefulSetState(sts: V1StatefulSet): RolloutState {
  const name = sts.metadata?.name ?? '?';
  const s = sts.status;
  const strategy = sts.spec?.updateStrategy;
  if (strategy?.type === 'OnDelete') {
    return {
      phase: 'failed',
      message: `StatefulSet ${name} uses updateStrategy OnDelete: its pods take the restored template only when they are deleted (${s?.updatedReplicas ?? 0}/${sts.spec?.replicas ?? 1} run it now); delete them to finish`,
    };
  }
  if (!s?.observedGeneration || (sts.metadata?.generation ?? 0) > s.observedGeneration)
    return { phase: 'progressing', message: `waiting for the spec update of ${name} to be observed` };
  const replicas = sts.spec?.replicas ?? 1;
  if ((s.readyReplicas ?? 0) < replicas) return { phase: 'progressing', message: `${s.readyReplicas ?? 0} of ${replicas} pods of ${name} ready` };
  const partition = strategy?.rollingUpdate?.partition;
  if (strategy?.rollingUpdate && partition !== undefined) {
    const wanted = replicas - partition;
    if ((s.updatedReplicas ?? 0) < wanted)
      return { phase: 'progressing', message: `${s.updatedReplicas ?? 0} of ${wanted} pods of ${name} updated (partition ${partition})` };
    const held = partition > 0 ? `; partition ${partition} keeps ordinals 0–${partition - 1} on revision ${s.currentRevision ?? '?'}` : '';
    return { phase: 'complete', message: `${name}: partitioned roll out complete, ${s.updatedReplicas ?? 0} pods updated${held}` };
  }
  if (s.updateRevision !== s.currentRevision)
    return { phase: 'progressing', message: `${s.updatedReplicas ?? 0} pods of ${name} at revision ${s.updateRevision ?? '?'}` };
  return { phase: 'complete', message: `${name}: ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision ?? '?'}` };
}

export function daemonSetState(ds: V1DaemonSet): RolloutState {
  const name = ds.metadata?.name ?? '?';
  const s = ds.status;
  if (ds.spec?.updateStrategy?.type === 'OnDelete') {
    return {
      phase: 'failed',
      message: `DaemonSet ${name} uses updateStrategy OnDelete: its pods take the restored template only when they are deleted (${s?.updatedNumberScheduled ?? 0}/${s?.desiredNumberScheduled ?? 0} run it now); delete them to finish`,
    };
  }
  if (!s || (ds.metadata?.generation ?? 0) > (s.observedGeneration ?? 0))
    return { phase: 'progressing', message: `waiting for the spec update of ${name} to be observed` };
  if ((s.updatedNumberScheduled ?? 0) < s.desiredNumberScheduled)
    return { phase: 'progressing', message: `${s.updatedNumberScheduled ?? 0} of ${s.desiredNumberScheduled} pods of ${name} updated` };
  if ((s.numberAvailable ?? 0) < s.desiredNumberScheduled)
    return { phase: 'progressing', message: `${s.numberAvailable ?? 0} of ${s.desiredNumberScheduled} updated pods of ${name} available` };
  return { phase: 'complete', message: `${name}: ${s.numberAvailable ?? 0}/${s.desiredNumberScheduled} pods available` };
}

/** Argo's phase (status.phase, computed by its controller), once it has seen the current spec. */
export function argoRolloutState(ro: ArgoRollout): RolloutState {
  const name = ro.metadata?.name ?? '?';
  const s = ro.status ?? {};
  if (String(ro.metadata?.generation ?? '') !== (s.observedGeneration ?? ''))
    return { phase: 'progressing', message: `waiting for the spec update of ${name} to be observed` };
  const message = s.message ? `: ${s.message}` : '';
  switch (s.phase) {
    case 'Healthy':
      return { phase: 'complete', message: `${name} is Healthy, ${s.availableReplicas ?? 0}/${ro.spec?.replicas ?? 1} replicas available` };
    case 'Degraded':
      return { phase: 'failed', message: `${name} is Degraded${message}` };
    case 'Paused':
      return {
        phase: 'failed',
        message: `${name} is Paused${message} at step ${s.currentStepIndex ?? 0}: promote it (kubectl argo rollouts promote ${name}) or abort it`,
      };
    default:
      return { phase: 'progressing', message: `${name} is ${s.phase ?? 'Progressing'}${message}` };
  }
}

export function isArgoInProgress(ro: ArgoRollout): boolean {
  const s = ro.status ?? {};
  return s.stableRS !== undefined && s.currentPodHash !== undefined && s.stableRS !== s.currentPodHash;
}
