import { calculateStatus, deploymentComplete, getCondition, newCondition, REASON, setCondition, syncProgressing } from './deployment-status.js';
import type { EventRecorder } from './event-recorder.js';
import { deepClone, deepEqual } from './json-value.js';
import type { Deployment, DeploymentStatus, Pod, ReplicaSet } from './kube-types.js';
import type { ObjectStore } from './object-store.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash, templatesEqual } from './pod-template-hash.js';
import { controllerOf } from './owner-references.js';
import {
  maxRevision,
  newReplicaSetTarget,
  oldReplicaSetTargets,
  replicasOf,
  resolveFenceposts,
  REVISION_ANNOTATION,
  revisionOf,
} from './rollout-math.js';

const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
const DESIRED_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
const MAX_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** Deployment annotations the controller does not copy onto its ReplicaSets. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_ANNOTATION,
  MAX_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/**
 * The Deployment controller: finds or creates the ReplicaSet of the current template, moves
 * replicas from old sets to it (RollingUpdate or Recreate), keeps revision history and status.
 * One scaling step per sync, as the real controller does, so progress is gradual.
 */
export class DeploymentController {
  private readonly lastProgressAt = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
  ) {}

  syncAll(now: number): void {
    const seen = new Set<string>();
    for (const d of this.store.scan<Deployment>('deployments')) {
      seen.add(d.metadata.uid ?? '');
      if (!d.metadata.deletionTimestamp) this.sync(d, now);
    }
    for (const uid of this.lastProgressAt.keys()) if (!seen.has(uid)) this.lastProgressAt.delete(uid);
  }

  private owned(d: Deployment): ReplicaSet[] {
    return this.store.scan<ReplicaSet>('replicasets', d.metadata.namespace).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
  }

  private progressAt(d: Deployment, now: number): number {
    const known = this.lastProgressAt.get(d.metadata.uid ?? '');
    if (known !== undefined) return known;
    const stamp = getCondition(d.status, 'Progressing')?.lastUpdateTime;
    return stamp ? Date.parse(stamp) : now;
  }

  private markProgress(d: Deployment, at: number): void {
    this.lastProgressAt.set(d.metadata.uid ?? '', at);
  }

  private sync(original: Deployment, now: number): void {
    // Only metadata and status are changed here; spec is shared with the stored object, read-only.
    const status: DeploymentStatus = deepClone(original.status ?? {});
    const d: Deployment = { ...original, metadata: { ...original.metadata }, status };
    const all = this.owned(d);
    let newRs = all.find((rs) => templatesEqual(rs.spec.template, original.spec.template));
    const old = all.filter((rs) => rs.metadata.name !== newRs?.metadata.name);
    const paused = d.spec.paused === true;
    const progressing = getCondition(d.status, 'Progressing');
    if (paused && progressing?.reason !== REASON.paused) {
      setCondition(status, newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', now));
    } else if (!paused && progressing?.reason === REASON.paused) {
      setCondition(status, newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', now));
      this.markProgress(d, now);
    }

    if (!newRs && !paused) newRs = this.createNewReplicaSet(d, old, now);
    else if (newRs) newRs = this.syncRevision(d, newRs, old, now);
    if (newRs) {
      d.metadata.annotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: String(revisionOf(newRs)) };
    }

    if (paused) this.scaleWhilePaused(d, newRs, old);
    else if (d.spec.strategy?.type === 'Recreate') this.recreate(d, newRs, old);
    else this.rollingUpdate(d, newRs, old);

    const sets = this.owned(d);
    const current = newRs ? sets.find((rs) => rs.metadata.name === newRs?.metadata.name) : undefined;
    const next = calculateStatus(d, sets, current, now);
    if (!paused) {
      const { progressedAt } = syncProgressing(d, next, current, now, this.progressAt(d, now));
      this.markProgress(d, progressedAt);
    }
    this.store.update('deployments', { ...d, status: next });
  }

  private createNewReplicaSet(d: Deployment, old: ReplicaSet[], now: number): ReplicaSet {
    let collisions = Number(d.status?.['collisionCount'] ?? 0);
    let hash = podTemplateHash(d.spec.template, collisions);
    // A name taken by a set with another template is a hash collision: the real controller
    // counts it in status.collisionCount and hashes again.
    while (this.store.peek('replicasets', d.metadata.namespace, `${d.metadata.name}-${hash}`)) {
      collisions += 1;
      hash = podTemplateHash(d.spec.template, collisions);
    }
    if (collisions > 0 && d.status) d.status['collisionCount'] = collisions;
    const template = deepClone(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const name = `${d.metadata.name}-${hash}`;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata.namespace,
        generation: 1,
        labels: { ...template.metadata.labels },
        annotations: { ...this.copiedAnnotations(d), [REVISION_ANNOTATION]: String(maxRevision(old) + 1), ...this.sizeAnnotations(d) },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: {
        replicas: 0,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...deepClone(d.spec.selector), matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } },
        template,
      },
      status: { replicas: 0 },
    };
    const created = this.store.create('replicasets', rs);
    setCondition(d.status ?? {}, newCondition('Progressing', 'True', REASON.newRsCreated, `Created new replica set "${name}"`, now));
    this.markProgress(d, now);
    return created;
  }

  /** A template seen before (a rollback) gets the next revision; its old numbers go to revision-history. */
  private syncRevision(d: Deployment, rs: ReplicaSet, old: ReplicaSet[], now: number): ReplicaSet {
    const annotations = { ...rs.metadata.annotations, ...this.copiedAnnotations(d) };
    const wanted = maxRevision(old) + 1;
    const current = revisionOf(rs);
    if (current < wanted) {
      if (current > 0) {
        const history = annotations[REVISION_HISTORY_ANNOTATION];
        annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${current}` : String(current);
      }
      annotations[REVISION_ANNOTATION] = String(wanted);
    }
    if (!getCondition(d.status, 'Progressing') && d.spec.progressDeadlineSeconds !== undefined) {
      setCondition(d.status ?? {}, newCondition('Progressing', 'True', REASON.foundNewRs, `Found new replica set "${rs.metadata.name}"`, now));
      this.markProgress(d, now);
    }
    if (deepEqual(annotations, rs.metadata.annotations)) return rs;
    return this.store.update('replicasets', { ...rs, metadata: { ...rs.metadata, annotations } });
  }

  private copiedAnnotations(d: Deployment): Record<string, string> {
    return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)));
  }

  private sizeAnnotations(d: Deployment): Record<string, string> {
    const surge = d.spec.strategy?.type === 'Recreate' ? 0 : resolveFenceposts(d).maxSurge;
    return { [DESIRED_ANNOTATION]: String(replicasOf(d)), [MAX_ANNOTATION]: String(replicasOf(d) + surge) };
  }

  private scale(d: Deployment, rs: ReplicaSet, replicas: number): void {
    const latest = this.store.get<ReplicaSet>('replicasets', rs.metadata.namespace, rs.metadata.name);
    if (!latest) return;
    const from = replicasOf(latest);
    if (from === replicas) return;
    latest.spec.replicas = replicas;
    latest.metadata.generation = (latest.metadata.generation ?? 1) + 1;
    latest.metadata.annotations = { ...latest.metadata.annotations, ...this.sizeAnnotations(d) };
    this.store.update('replicasets', latest);
    const direction = replicas > from ? 'up' : 'down';
    this.events.record({
      involved: d,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${direction} replica set ${rs.metadata.name} to ${replicas} from ${from}`,
      source: { component: 'deployment-controller' },
    });
  }

  private rollingUpdate(d: Deployment, newRs: ReplicaSet | undefined, old: ReplicaSet[]): void {
    if (!newRs) return;
    const all = [...old, newRs];
    const target = newReplicaSetTarget(d, all, newRs);
    if (target !== replicasOf(newRs)) {
      this.scale(d, newRs, target);
      return;
    }
    const targets = oldReplicaSetTargets(d, all, old, newRs);
    for (const rs of old) {
      const next = targets.get(rs.metadata.name);
      if (next !== undefined) this.scale(d, rs, next);
    }
    if (targets.size === 0 && deploymentComplete(d, d.status ?? {})) this.cleanup(d, old);
  }

  private recreate(d: Deployment, newRs: ReplicaSet | undefined, old: ReplicaSet[]): void {
    const active = old.filter((rs) => replicasOf(rs) > 0);
    if (active.length > 0) {
      for (const rs of active) this.scale(d, rs, 0);
      return;
    }
    const oldUids = new Set(old.map((rs) => rs.metadata.uid));
    const oldPodsLeft = this.store.scan<Pod>('pods', d.metadata.namespace).some((p) => oldUids.has(controllerOf(p)?.uid));
    if (oldPodsLeft || !newRs) return;
    if (replicasOf(newRs) !== replicasOf(d)) this.scale(d, newRs, replicasOf(d));
    else if (deploymentComplete(d, d.status ?? {})) this.cleanup(d, old);
  }

  /** A paused Deployment still scales (replicas changes), but never starts a rollout. */
  private scaleWhilePaused(d: Deployment, newRs: ReplicaSet | undefined, old: ReplicaSet[]): void {
    const active = [...old, ...(newRs ? [newRs] : [])].filter((rs) => replicasOf(rs) > 0);
    const only = active.length === 1 ? active[0] : active.length === 0 ? newRs : undefined;
    if (only && replicasOf(only) !== replicasOf(d)) this.scale(d, only, replicasOf(d));
    this.cleanup(d, old);
  }

  /** revisionHistoryLimit: delete the oldest fully scaled-down sets beyond the limit. */
  private cleanup(d: Deployment, old: ReplicaSet[]): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const cleanable = old.filter((rs) => !rs.metadata.deletionTimestamp);
    let excess = cleanable.length - limit;
    if (excess <= 0) return;
    for (const rs of [...cleanable].sort((a, b) => revisionOf(a) - revisionOf(b))) {
      if (excess <= 0) break;
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0) continue;
      if ((rs.metadata.generation ?? 1) > (rs.status?.observedGeneration ?? 0)) continue;
      this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
      excess -= 1;
    }
  }
}
