import { deepClone } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { KubeObject, Pod, PodTemplateSpec } from './kube-types.js';
import type { EventRecorder } from './event-recorder.js';
import type { ObjectStore } from './object-store.js';
import { controllerOf, controllerRefTo } from './owner-references.js';

/** Pod helpers shared by the StatefulSet and DaemonSet controllers. */

export function isPodReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return since !== undefined && Date.parse(since) + minReadySeconds * 1000 <= now;
}

export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

/** Every pod the owner controls, terminating ones included. */
export function podsOf(store: ObjectStore, owner: KubeObject): Pod[] {
  return store.scan<Pod>('pods', owner.metadata.namespace).filter((p) => controllerOf(p)?.uid === owner.metadata.uid);
}

export interface NewPod {
  name: string;
  template: PodTemplateSpec;
  labels: Record<string, string>;
  nodeName?: string;
  extraSpec?: Record<string, unknown>;
}

export function createOwnedPod(store: ObjectStore, events: EventRecorder, owner: KubeObject, input: NewPod, component: string): Pod {
  const t = input.template;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: input.name,
      namespace: owner.metadata.namespace,
      labels: { ...t.metadata?.labels, ...input.labels },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ownerReferences: [controllerRefTo(owner)],
    },
    spec: {
      ...deepClone(t.spec),
      ...input.extraSpec,
      ...(input.nodeName ? { nodeName: input.nodeName } : {}),
      serviceAccountName: 'default',
      serviceAccount: 'default',
      enableServiceLinks: true,
    },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
  const created = store.create('pods', pod);
  events.record({
    involved: owner,
    type: 'Normal',
    reason: 'SuccessfulCreate',
    message: `create Pod ${input.name} in ${owner.kind} ${owner.metadata.name} successful`,
    source: { component },
  });
  return created;
}

/** Graceful deletion, as a controller's DELETE with the default grace period does. */
export function deleteOwnedPod(store: ObjectStore, events: EventRecorder, owner: KubeObject, pod: Pod, now: number, component: string): void {
  if (isTerminating(pod)) return;
  const marked = deepClone(pod);
  marked.metadata.deletionTimestamp = kubeTime(now + 30_000);
  marked.metadata.deletionGracePeriodSeconds = 30;
  store.update('pods', marked);
  events.record({
    involved: owner,
    type: 'Normal',
    reason: 'SuccessfulDelete',
    message: `delete Pod ${pod.metadata.name} in ${owner.kind} ${owner.metadata.name} successful`,
    source: { component },
  });
}
