import { CONTROLLER_REVISION_HASH_LABEL, ensureRevision, ownedRevisions, templateOfRevision, truncateHistory } from './controller-history.js';
import type { EventRecorder } from './event-recorder.js';
import { deepEqual } from './json-value.js';
import type { Pod, PodTemplateSpec } from './kube-types.js';
import type { ObjectStore } from './object-store.js';
import { createOwnedPod, deleteOwnedPod, isPodAvailable, isPodReady, isTerminating, podsOf } from './workload-pods.js';
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from './workload-types.js';

const COMPONENT = 'statefulset-controller';

function podRevision(pod: Pod): string | undefined {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}

function ordinalOf(set: StatefulSet, pod: Pod): number {
  const prefix = `${set.metadata.name}-`;
  const rest = pod.metadata.name.startsWith(prefix) ? pod.metadata.name.slice(prefix.length) : '';
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}

/**
 * The StatefulSet controller (stateful_set_control.go): pods `<name>-<ordinal>`, created in
 * order and each waited for under OrderedReady; a RollingUpdate deletes the highest-ordinal pod
 * not at the update revision (down to the partition) once the others are Running and Ready;
 * OnDelete only gives the update revision to pods someone else deleted. Like the real one, an
 * OrderedReady set whose pod never becomes ready stops there — also after its template is
 * reverted (the documented "forced rollback": delete that pod to continue).
 */
export class StatefulSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
  ) {}

  syncAll(now: number): void {
    for (const set of this.store.scan<StatefulSet>('statefulsets')) if (!set.metadata.deletionTimestamp) this.sync(set, now);
  }

  private sync(set: StatefulSet, now: number): void {
    const { revision: update, collisionCount } = ensureRevision(this.store, set, {
      labels: { ...set.spec.template.metadata?.labels },
      annotations: set.metadata.annotations,
    });
    const revisions = ownedRevisions(this.store, set);
    const current = revisions.find((cr) => cr.metadata.name === set.status?.currentRevision) ?? update;
    const pods = podsOf(this.store, set);
    const byOrdinal = new Map<number, Pod>();
    for (const pod of pods) byOrdinal.set(ordinalOf(set, pod), pod);
    this.reconcile(set, byOrdinal, current, update, now);

    const live = podsOf(this.store, set).filter((p) => !isTerminating(p));
    const minReady = set.spec.minReadySeconds ?? 0;
    const replicas = set.spec.replicas ?? 1;
    const status: StatefulSetStatus = {
      observedGeneration: set.metadata.generation ?? 1,
      replicas: live.length,
      readyReplicas: live.filter(isPodReady).length,
      availableReplicas: live.filter((p) => isPodAvailable(p, minReady, now)).length,
      currentReplicas: live.filter((p) => podRevision(p) === current.metadata.name).length,
      updatedReplicas: live.filter((p) => podRevision(p) === update.metadata.name).length,
      currentRevision: current.metadata.name,
      updateRevision: update.metadata.name,
      collisionCount,
    };
    // completeRollingUpdate: once every pod runs the update revision and is ready, it becomes current.
    if (
      set.spec.updateStrategy?.type !== 'OnDelete' &&
      status.updatedReplicas === replicas &&
      status.replicas === replicas &&
      status.readyReplicas === replicas
    ) {
      status.currentRevision = update.metadata.name;
      status.currentReplicas = status.updatedReplicas;
    }
    truncateHistory(this.store, set, live, new Set([status.currentRevision ?? '', update.metadata.name]), podRevision);
    const latest = this.store.peek<StatefulSet>('statefulsets', set.metadata.namespace, set.metadata.name);
    if (latest && !deepEqual(latest.status, status)) this.store.update('statefulsets', { ...latest, status });
  }

  private templateFor(
    set: StatefulSet,
    current: ControllerRevision,
    update: ControllerRevision,
    ordinal: number,
  ): { template: PodTemplateSpec; revision: string } {
    const strategy = set.spec.updateStrategy;
    const partition = strategy?.type === 'RollingUpdate' ? (strategy.rollingUpdate?.partition ?? 0) : 0;
    const useCurrent = strategy?.type === 'RollingUpdate' && ordinal < partition;
    const cr = useCurrent ? current : update;
    const template = (useCurrent ? templateOfRevision(current) : undefined) ?? set.spec.template;
    return { template, revision: cr.metadata.name };
  }

  private reconcile(set: StatefulSet, byOrdinal: Map<number, Pod>, current: ControllerRevision, update: ControllerRevision, now: number): void {
    const replicas = set.spec.replicas ?? 1;
    const monotonic = set.spec.podManagementPolicy !== 'Parallel';
    const minReady = set.spec.minReadySeconds ?? 0;
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        const { template, revision } = this.templateFor(set, current, update, i);
        const name = `${set.metadata.name}-${i}`;
        createOwnedPod(
          this.store,
          this.events,
          set,
          {
            name,
            template,
            labels: {
              [CONTROLLER_REVISION_HASH_LABEL]: revision,
              'statefulset.kubernetes.io/pod-name': name,
              'apps.kubernetes.io/pod-index': String(i),
            },
            extraSpec: { hostname: name, ...(set.spec.serviceName ? { subdomain: set.spec.serviceName } : {}) },
          },
          COMPONENT,
        );
        if (monotonic) return;
        continue;
      }
      if (pod.status?.phase === 'Failed' && !isTerminating(pod)) {
        deleteOwnedPod(this.store, this.events, set, pod, now, COMPONENT);
        if (monotonic) return;
        continue;
      }
      if (monotonic && (isTerminating(pod) || !isPodAvailable(pod, minReady, now))) return;
    }
    // Scale down: the highest ordinal first, one at a time under OrderedReady.
    const condemned = [...byOrdinal.entries()].filter(([i]) => i >= replicas || i < 0).sort((a, b) => b[0] - a[0]);
    for (const [, pod] of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      deleteOwnedPod(this.store, this.events, set, pod, now, COMPONENT);
      if (monotonic) return;
    }
    if (set.spec.updateStrategy?.type === 'OnDelete') return;
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = replicas - 1; target >= partition; target--) {
      const pod = byOrdinal.get(target);
      if (!pod) return;
      if (podRevision(pod) !== update.metadata.name && !isTerminating(pod)) {
        deleteOwnedPod(this.store, this.events, set, pod, now, COMPONENT);
        return;
      }
      if (!isPodAvailable(pod, minReady, now)) return;
    }
  }
}
