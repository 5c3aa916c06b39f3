import type { Deployment, IntOrPercent, ReplicaSet } from './kube-types.js';

/** The arithmetic of the Deployment controller's RollingUpdate, after k8s.io/kubernetes/pkg/controller/deployment/util. */

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export function replicasOf(obj: { spec: { replicas?: number } }): number {
  return obj.spec.replicas ?? 0;
}

export function revisionOf(rs: ReplicaSet): number {
  const n = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '0');
  return Number.isFinite(n) ? n : 0;
}

export function maxRevision(sets: ReplicaSet[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

function scaled(value: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge rounds up and maxUnavailable down; both zero would deadlock, so unavailable becomes 1. */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const rolling = d.spec.strategy?.rollingUpdate;
  const desired = replicasOf(d);
  const maxSurge = scaled(rolling?.maxSurge ?? '25%', desired, true);
  let maxUnavailable = scaled(rolling?.maxUnavailable ?? '25%', desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function maxUnavailable(d: Deployment): number {
  if (d.spec.strategy?.type === 'Recreate' || replicasOf(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, replicasOf(d));
}

export function sumSpecReplicas(sets: ReplicaSet[]): number {
  return sets.reduce((n, rs) => n + replicasOf(rs), 0);
}

export function sumStatus(sets: ReplicaSet[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return sets.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);
}

/** NewRSNewReplicas: how far the new ReplicaSet may grow now without exceeding the surge. */
export function newReplicaSetTarget(d: Deployment, all: ReplicaSet[], newRs: ReplicaSet): number {
  const desired = replicasOf(d);
  const current = replicasOf(newRs);
  if (current >= desired) return desired;
  const maxTotal = desired + resolveFenceposts(d).maxSurge;
  const currentPods = sumSpecReplicas(all);
  if (currentPods >= maxTotal) return current;
  return current + Math.min(maxTotal - currentPods, desired - current);
}

function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta === tb ? a.metadata.name.localeCompare(b.metadata.name) : ta.localeCompare(tb);
}

/**
 * reconcileOldReplicaSets: first drop old pods that are not available (they serve nothing),
 * then scale old sets down oldest first while keeping `replicas - maxUnavailable` available.
 * Returns the new replica count of each old set that changes.
 */
export function oldReplicaSetTargets(d: Deployment, all: ReplicaSet[], old: ReplicaSet[], newRs: ReplicaSet | undefined): Map<string, number> {
  const targets = new Map<string, number>();
  const active = old.filter((rs) => replicasOf(rs) > 0).sort(byCreation);
  if (active.length === 0) return targets;
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = newRs ? replicasOf(newRs) - (newRs.status?.availableReplicas ?? 0) : 0;
  let maxScaledDown = sumSpecReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return targets;

  const replicas = new Map(active.map((rs) => [rs.metadata.name, replicasOf(rs)]));
  for (const rs of active) {
    if (maxScaledDown <= 0) break;
    const current = replicas.get(rs.metadata.name) ?? 0;
    const unhealthy = current - (rs.status?.availableReplicas ?? 0);
    if (unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown, unhealthy);
    replicas.set(rs.metadata.name, current - down);
    maxScaledDown -= down;
  }

  const available = sumStatus(all, 'availableReplicas');
  let scaleDownBudget = available - minAvailable;
  for (const rs of active) {
    if (scaleDownBudget <= 0) break;
    const current = replicas.get(rs.metadata.name) ?? 0;
    if (current === 0) continue;
    const down = Math.min(current, scaleDownBudget);
    replicas.set(rs.metadata.name, current - down);
    scaleDownBudget -= down;
  }
  for (const rs of active) {
    const next = replicas.get(rs.metadata.name) ?? 0;
    if (next !== replicasOf(rs)) targets.set(rs.metadata.name, next);
  }
  return targets;
}
