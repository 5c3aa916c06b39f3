import { CONTROLLER_REVISION_HASH_LABEL, ensureRevision, revisionHash, truncateHistory } from './controller-history.js';
import type { EventRecorder } from './event-recorder.js';
import { deepEqual } from './json-value.js';
import type { IntOrPercent, Pod } from './kube-types.js';
import type { ObjectStore } from './object-store.js';
import { NODE_NAMES } from './pod-kubelet.js';
import { nameSuffix } from './pod-template-hash.js';
import { createOwnedPod, deleteOwnedPod, isPodAvailable, isPodReady, isTerminating, podsOf } from './workload-pods.js';
import type { DaemonSet, DaemonSetStatus } from './workload-types.js';

const COMPONENT = 'daemonset-controller';

function podHash(pod: Pod): string | undefined {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}

function resolve(value: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const exact = (Number(value.replace('%', '')) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * The DaemonSet controller (pkg/controller/daemon): one pod per node (the emulator's three),
 * bound to its node. RollingUpdate replaces old pods within maxUnavailable, and replaces old
 * pods that are not available at once (they serve nothing), so reverting a broken template
 * heals without help; OnDelete leaves old pods until someone deletes them.
 */
export class DaemonSetController {
  private counter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
  ) {}

  syncAll(now: number): void {
    for (const ds of this.store.scan<DaemonSet>('daemonsets')) if (!ds.metadata.deletionTimestamp) this.sync(ds, now);
  }

  private sync(ds: DaemonSet, now: number): void {
    const { revision, collisionCount } = ensureRevision(this.store, ds, { labels: { ...ds.spec.template.metadata?.labels } });
    const hash = revisionHash(revision);
    const minReady = ds.spec.minReadySeconds ?? 0;
    const byNode = new Map<string, Pod[]>();
    for (const pod of podsOf(this.store, ds)) {
      if (isTerminating(pod)) continue;
      const node = pod.spec.nodeName ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    // manage: a node without a pod gets one at the update revision.
    for (const node of NODE_NAMES) {
      if ((byNode.get(node) ?? []).length > 0) continue;
      createOwnedPod(
        this.store,
        this.events,
        ds,
        {
          name: this.podName(ds),
          template: ds.spec.template,
          labels: { [CONTROLLER_REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
          nodeName: node,
        },
        COMPONENT,
      );
    }
    if (ds.spec.updateStrategy?.type !== 'OnDelete') this.rollingUpdate(ds, byNode, hash, now);

    const live = podsOf(this.store, ds).filter((p) => !isTerminating(p));
    const scheduled = new Set(live.map((p) => p.spec.nodeName));
    const available = live.filter((p) => isPodAvailable(p, minReady, now)).length;
    const desired = NODE_NAMES.length;
    const status: DaemonSetStatus = {
      currentNumberScheduled: scheduled.size,
      numberMisscheduled: 0,
      desiredNumberScheduled: desired,
      numberReady: live.filter(isPodReady).length,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: new Set(live.filter((p) => podHash(p) === hash).map((p) => p.spec.nodeName)).size,
      numberAvailable: available,
      numberUnavailable: Math.max(0, desired - available),
      collisionCount,
    };
    truncateHistory(this.store, ds, live, new Set([revision.metadata.name]), podHash);
    const latest = this.store.peek<DaemonSet>('daemonsets', ds.metadata.namespace, ds.metadata.name);
    if (latest && !deepEqual(latest.status, status)) this.store.update('daemonsets', { ...latest, status });
  }

  private podName(ds: DaemonSet): string {
    for (;;) {
      const name = `${ds.metadata.name}-${nameSuffix(`${ds.metadata.uid}/${this.counter++}`)}`;
      if (!this.store.peek('pods', ds.metadata.namespace, name)) return name;
    }
  }

  private rollingUpdate(ds: DaemonSet, byNode: Map<string, Pod[]>, hash: string, now: number): void {
    const minReady = ds.spec.minReadySeconds ?? 0;
    const maxUnavailable = Math.max(1, resolve(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, NODE_NAMES.length, false));
    let unavailable = 0;
    const replacements: Pod[] = [];
    const candidates: Pod[] = [];
    for (const node of NODE_NAMES) {
      const pods = byNode.get(node) ?? [];
      const fresh = pods.find((p) => podHash(p) === hash);
      const old = pods.find((p) => podHash(p) !== hash);
      if (!old) {
        if (!fresh || !isPodAvailable(fresh, minReady, now)) unavailable += 1;
        continue;
      }
      if (fresh) continue;
      if (!isPodAvailable(old, minReady, now)) {
        replacements.push(old);
        unavailable += 1;
      } else if (unavailable < maxUnavailable) {
        candidates.push(old);
      }
    }
    const budget = Math.min(candidates.length, Math.max(0, maxUnavailable - unavailable));
    for (const pod of [...replacements, ...candidates.slice(0, budget)]) deleteOwnedPod(this.store, this.events, ds, pod, now, COMPONENT);
  }
}
