import { kubeTime } from './kube-time.js';
import type { Condition } from './kube-types.js';
import type { Rollout, RolloutStatus } from './workload-types.js';

/** Argo Rollouts' status vocabulary (utils/conditions) and CalculateRolloutPhase (utils/rollout/rolloututil.go). */

export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash';
export const ROLLOUT_REVISION_ANNOTATION = 'rollout.argoproj.io/revision';

export const ROLLOUT_REASON = {
  newRsCreated: 'NewReplicaSetCreated',
  rsUpdated: 'ReplicaSetUpdated',
  newRsAvailable: 'NewReplicaSetAvailable',
  aborted: 'RolloutAborted',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'RolloutPaused',
  resumed: 'RolloutResumed',
} as const;

export function rolloutCondition(status: RolloutStatus, type: string): Condition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/** SetRolloutCondition: same status and reason is no change; a new reason with the same status keeps lastTransitionTime. */
export function setRolloutCondition(
  status: RolloutStatus,
  type: string,
  value: Condition['status'],
  reason: string,
  message: string,
  now: number,
): void {
  const conditions = status.conditions ?? [];
  const current = conditions.find((c) => c.type === type);
  if (current && current.status === value && current.reason === reason && current.message === message) return;
  const t = kubeTime(now);
  const next: Condition = {
    type,
    status: value,
    reason,
    message,
    lastUpdateTime: t,
    lastTransitionTime: current && current.status === value ? current.lastTransitionTime : t,
  };
  status.conditions = current ? conditions.map((c) => (c.type === type ? next : c)) : [...conditions, next];
}

export function calculateRolloutPhase(ro: Rollout, s: RolloutStatus): { phase: NonNullable<RolloutStatus['phase']>; message: string } {
  for (const c of s.conditions ?? []) {
    if (c.type === 'InvalidSpec') return { phase: 'Degraded', message: `InvalidSpec: ${c.message ?? ''}` };
    if (c.reason === ROLLOUT_REASON.aborted || c.reason === ROLLOUT_REASON.timedOut)
      return { phase: 'Degraded', message: `${c.reason}: ${c.message ?? ''}` };
  }
  if (ro.spec.paused) return { phase: 'Paused', message: 'manually paused' };
  const pause = s.pauseConditions?.[0];
  if (pause) return { phase: 'Paused', message: pause.reason };
  const replicas = ro.spec.replicas ?? 1;
  if ((s.updatedReplicas ?? 0) < replicas) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0))
    return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  const promoted = s.stableRS !== undefined && s.stableRS === s.currentPodHash;
  if (ro.spec.strategy.blueGreen) {
    if (!s.blueGreen?.activeSelector || s.blueGreen.activeSelector !== s.currentPodHash)
      return { phase: 'Progressing', message: 'active service cutover pending' };
    if (!promoted) return { phase: 'Progressing', message: 'waiting for post-promotion verification to complete' };
  } else {
    if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return { phase: 'Progressing', message: 'old replicas are pending termination' };
    if (!promoted) return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  }
  return { phase: 'Healthy', message: '' };
}

/** Argo durations: a number of seconds or a Go duration string such as "30s", "5m", "1h". */
export function durationMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value * 1000;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}
