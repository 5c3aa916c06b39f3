import type { EventRecorder } from './event-recorder.js';
import { deepClone } from './json-value.js';
import type { Pod, ReplicaSet, ReplicaSetStatus } from './kube-types.js';
import { matchesLabelSelector } from './label-selector.js';
import type { ObjectStore } from './object-store.js';
import { controllerOf, controllerRefTo } from './owner-references.js';
import { nameSuffix } from './pod-template-hash.js';
import { kubeTime } from './kube-time.js';
import { replicasOf } from './rollout-math.js';

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function readySince(pod: Pod): number {
  const t = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return t ? Date.parse(t) : 0;
}

/** The controller's burstReplicas: at most this many pods created per set per sync, keeping a tick bounded. */
const BURST_REPLICAS = 500;

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The order in which a ReplicaSet gives up pods when scaling down (controller.ActivePods):
 * unscheduled, pending, not ready, recently ready, most restarted, newest go first.
 */
function deletionOrder(a: Pod, b: Pod): number {
  const assigned = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
  return (
    assigned(a) - assigned(b) ||
    (PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0) - (PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0) ||
    Number(isReady(a)) - Number(isReady(b)) ||
    (isReady(a) && isReady(b) ? readySince(b) - readySince(a) : 0) ||
    restarts(b) - restarts(a) ||
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
    b.metadata.name.localeCompare(a.metadata.name)
  );
}

/** Keeps each ReplicaSet's number of pods at spec.replicas and reports their readiness. */
export class ReplicaSetController {
  private counter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
  ) {}

  syncAll(now: number): void {
    const podsByOwner = new Map<string, Pod[]>();
    for (const pod of this.store.scan<Pod>('pods')) {
      const owner = controllerOf(pod)?.uid;
      if (owner === undefined || pod.metadata.deletionTimestamp) continue;
      const list = podsByOwner.get(owner);
      if (list) list.push(pod);
      else podsByOwner.set(owner, [pod]);
    }
    for (const rs of this.store.scan<ReplicaSet>('replicasets')) this.sync(rs, podsByOwner.get(rs.metadata.uid ?? '') ?? [], now);
  }

  private sync(rs: ReplicaSet, activePods: Pod[], now: number): void {
    let pods = activePods;
    const desired = replicasOf(rs);
    if (pods.length < desired) {
      pods = [...pods];
      const target = Math.min(desired, pods.length + BURST_REPLICAS);
      for (let i = pods.length; i < target; i++) pods.push(this.createPod(rs));
    } else if (pods.length > desired) {
      const victims = new Set([...pods].sort(deletionOrder).slice(0, pods.length - desired));
      for (const pod of victims) this.deletePod(rs, pod, now);
      pods = pods.filter((p) => !victims.has(p));
    }
    const minReadyMs = (rs.spec.minReadySeconds ?? 0) * 1000;
    const ready = pods.filter(isReady);
    const templateLabels = { matchLabels: rs.spec.template.metadata?.labels ?? {} };
    const status: ReplicaSetStatus = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => matchesLabelSelector(p.metadata.labels, templateLabels)).length,
      readyReplicas: ready.length,
      availableReplicas: ready.filter((p) => minReadyMs === 0 || readySince(p) + minReadyMs <= now).length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    // Counters other than replicas are omitempty in the Go type.
    for (const key of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (status[key] === 0) delete status[key];
    const latest = this.store.peek<ReplicaSet>('replicasets', rs.metadata.namespace, rs.metadata.name);
    if (latest) this.store.update('replicasets', { ...latest, status });
  }

  private podName(rs: ReplicaSet): string {
    for (;;) {
      const name = `${rs.metadata.name}-${nameSuffix(`${rs.metadata.uid}/${this.counter++}`)}`;
      if (!this.store.peek('pods', rs.metadata.namespace, name)) return name;
    }
  }

  private createPod(rs: ReplicaSet): Pod {
    const template = rs.spec.template;
    const name = this.podName(rs);
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [controllerRefTo(rs)],
      },
      spec: { ...deepClone(template.spec), serviceAccountName: 'default', serviceAccount: 'default', enableServiceLinks: true },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    };
    const created = this.store.create('pods', pod);
    this.events.record({
      involved: rs,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${name}`,
      source: { component: 'replicaset-controller' },
    });
    return created;
  }

  private deletePod(rs: ReplicaSet, pod: Pod, now: number): void {
    const marked = deepClone(pod);
    marked.metadata.deletionTimestamp = kubeTime(now + 30_000);
    marked.metadata.deletionGracePeriodSeconds = 30;
    this.store.update('pods', marked);
    this.events.record({
      involved: rs,
      type: 'Normal',
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${pod.metadata.name}`,
      source: { component: 'replicaset-controller' },
    });
  }
}
