import { deepClone } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from './kube-types.js';
import { maxUnavailable, replicasOf, sumSpecReplicas, sumStatus } from './rollout-math.js';

/** Deployment status and conditions, after the controller's calculateStatus/syncRolloutStatus. */

export const REASON = {
  newRsCreated: 'NewReplicaSetCreated',
  foundNewRs: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRsAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: the same status and reason is not an update; a new reason with the
 * same status keeps lastTransitionTime.
 */
export function setCondition(status: DeploymentStatus, next: Condition): void {
  const conditions = status.conditions ?? [];
  const current = conditions.find((c) => c.type === next.type);
  if (current && current.status === next.status && current.reason === next.reason) return;
  if (current && current.status === next.status) next.lastTransitionTime = current.lastTransitionTime;
  replaceCondition(status, next);
}

/** Replaces in place so conditions keep their order (Available, then Progressing). */
function replaceCondition(status: DeploymentStatus, next: Condition): void {
  const conditions = status.conditions ?? [];
  const index = conditions.findIndex((c) => c.type === next.type);
  status.conditions = index >= 0 ? conditions.map((c, i) => (i === index ? next : c)) : [...conditions, next];
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = kubeTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** Go omits zero counters (`omitempty`), so a field is absent rather than 0 — as clients see it. */
function omitZeros(status: DeploymentStatus): DeploymentStatus {
  for (const key of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (status[key] === 0) delete status[key];
  }
  return status;
}

export function calculateStatus(d: Deployment, all: ReplicaSet[], newRs: ReplicaSet | undefined, now: number): DeploymentStatus {
  const available = sumStatus(all, 'availableReplicas');
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: newRs ? (newRs.status?.replicas ?? 0) : 0,
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpecReplicas(all) - available),
    conditions: deepClone(d.status?.conditions ?? []),
  };
  if (d.status?.['collisionCount'] !== undefined) status['collisionCount'] = d.status['collisionCount'];
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  }
  return omitZeros(status);
}

export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const desired = replicasOf(d);
  return (
    (s.updatedReplicas ?? 0) === desired &&
    (s.replicas ?? 0) === desired &&
    (s.availableReplicas ?? 0) === desired &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1)
  );
}

/** Progress is any new pod updated, ready or available, or any old pod gone. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/**
 * The Progressing condition. `lastProgressAt` is the precise time of the last update (the
 * condition's own timestamp has whole seconds, too coarse for short test deadlines).
 */
export function syncProgressing(
  d: Deployment,
  status: DeploymentStatus,
  newRs: ReplicaSet | undefined,
  now: number,
  lastProgressAt: number,
): { progressedAt: number } {
  const deadline = d.spec.progressDeadlineSeconds;
  if (deadline === undefined || deadline >= 2147483647) {
    status.conditions = (status.conditions ?? []).filter((c) => c.type !== 'Progressing');
    return { progressedAt: lastProgressAt };
  }
  const current = getCondition(status, 'Progressing');
  const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === REASON.newRsAvailable;
  if (complete) return { progressedAt: lastProgressAt };
  const rsName = newRs?.metadata.name ?? '';
  if (deploymentComplete(d, status)) {
    setCondition(status, newCondition('Progressing', 'True', REASON.newRsAvailable, `ReplicaSet "${rsName}" has successfully progressed.`, now));
    return { progressedAt: now };
  }
  if (deploymentProgressing(d, status)) {
    const message = newRs ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
    const next = newCondition('Progressing', 'True', REASON.rsUpdated, message, now);
    if (current?.status === 'True') next.lastTransitionTime = current.lastTransitionTime;
    replaceCondition(status, next);
    return { progressedAt: now };
  }
  if (current && current.reason !== REASON.newRsAvailable && (current.reason === REASON.timedOut || now > lastProgressAt + deadline * 1000)) {
    setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, `ReplicaSet "${rsName}" has timed out progressing.`, now));
  }
  return { progressedAt: lastProgressAt };
}
