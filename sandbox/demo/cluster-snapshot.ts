// What the page's cluster panel shows: Deployments, their ReplicaSet revisions and pods, read from the
// emulator's store (the same objects the bot reads over the Kubernetes API), flattened for display.
import type { KubernetesEmulator } from '../kubernetes/kubernetes-emulator.js';
import type { Deployment, KubeEvent, Pod, ReplicaSet } from '../kubernetes/kube-types.js';

export interface PodView {
  name: string;
  images: string[];
  /** What `kubectl get pods` shows in STATUS: Running, ContainerCreating, CrashLoopBackOff, Terminating … */
  status: string;
  ready: boolean;
  restarts: number;
  /** ok | progressing | failing | gone, for the colour. */
  tone: 'ok' | 'progressing' | 'failing' | 'gone';
}

export interface ReplicaSetView {
  name: string;
  revision: number;
  images: string[];
  desired: number;
  ready: number;
  /** The ReplicaSet of the Deployment's current pod template. */
  current: boolean;
  pods: PodView[];
}

export interface DeploymentView {
  name: string;
  images: string[];
  revision: number;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** complete | progressing | stalled: a summary of the status conditions. */
  rollout: 'complete' | 'progressing' | 'stalled';
  conditions: Array<{ type: string; status: string; reason: string }>;
  replicaSets: ReplicaSetView[];
}

export interface EventView {
  object: string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp: string;
}

export interface ClusterSnapshot {
  namespace: string;
  deployments: DeploymentView[];
  /** The latest Warning events, newest first. */
  warnings: EventView[];
  /** Other namespaces the demo shows below this one (the storefront service), without their events. */
  others?: ClusterSnapshot[];
}

const MAX_WARNINGS = 6;
const REVISION = 'deployment.kubernetes.io/revision';

export function clusterSnapshot(k8s: KubernetesEmulator, namespace: string, componentOrder: readonly string[]): ClusterSnapshot {
  const sets = k8s.listReplicaSets(namespace);
  const pods = k8s.listPods(namespace);
  const order = (name: string) => {
    const i = componentOrder.indexOf(name);
    return i === -1 ? componentOrder.length : i;
  };
  const deployments = k8s
    .listDeployments(namespace)
    .sort((a, b) => order(a.metadata.name) - order(b.metadata.name) || a.metadata.name.localeCompare(b.metadata.name))
    .map((d) => deploymentView(d, sets, pods));
  const warnings = k8s
    .listEvents(namespace)
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))
    .slice(0, MAX_WARNINGS)
    .map(eventView);
  return { namespace, deployments, warnings };
}

function deploymentView(d: Deployment, allSets: ReplicaSet[], allPods: Pod[]): DeploymentView {
  const status = d.status ?? {};
  const desired = d.spec.replicas ?? 1;
  const currentImages = (d.spec.template.spec?.containers ?? []).map((c) => c.image);
  const sets = allSets.filter((rs) => ownedBy(rs, d.metadata.uid));
  const replicaSets = sets.map((rs) => replicaSetView(rs, allPods, sameImages(imagesOf(rs), currentImages))).sort((a, b) => b.revision - a.revision);
  const conditions = (status.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? '' }));
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const complete =
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired;
  const rollout = complete ? 'complete' : progressing?.reason === 'ProgressDeadlineExceeded' ? 'stalled' : 'progressing';
  return {
    name: d.metadata.name,
    images: currentImages,
    revision: Number(d.metadata.annotations?.[REVISION] ?? 0),
    desired,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    rollout,
    conditions,
    replicaSets,
  };
}

function replicaSetView(rs: ReplicaSet, allPods: Pod[], current: boolean): ReplicaSetView {
  const pods = allPods
    .filter((p) => ownedBy(p, rs.metadata.uid))
    .sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name),
    )
    .map(podView);
  return {
    name: rs.metadata.name,
    revision: Number(rs.metadata.annotations?.[REVISION] ?? 0),
    images: imagesOf(rs),
    desired: rs.spec.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
    current,
    pods,
  };
}

export function podView(pod: Pod): PodView {
  const statuses = pod.status?.containerStatuses ?? [];
  const restarts = statuses.reduce((sum, c) => sum + c.restartCount, 0);
  const ready = statuses.length > 0 && statuses.every((c) => c.ready);
  const images = (pod.spec.containers ?? []).map((c) => c.image);
  if (pod.metadata.deletionTimestamp) return { name: pod.metadata.name, images, status: 'Terminating', ready: false, restarts, tone: 'gone' };
  // kubectl shows the first waiting or terminated reason of a container, else the phase.
  const reason = statuses.map((c) => c.state.waiting?.reason ?? c.state.terminated?.reason).find((r) => r !== undefined);
  const status = reason ?? pod.status?.phase ?? 'Pending';
  const failing = /BackOff|Err|Error|OOMKilled|CrashLoop/.test(status) || (reason === undefined && restarts > 0 && !ready);
  const tone = ready ? 'ok' : failing ? 'failing' : 'progressing';
  return { name: pod.metadata.name, images, status: status === 'Running' && !ready ? 'Running (not ready)' : status, ready, restarts, tone };
}

function eventView(e: KubeEvent): EventView {
  return {
    object: `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
    reason: e.reason,
    message: e.message,
    count: e.count,
    lastTimestamp: e.lastTimestamp,
  };
}

function ownedBy(obj: { metadata: { ownerReferences?: Array<{ uid: string; controller?: boolean }> } }, uid: string | undefined): boolean {
  return uid !== undefined && (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.controller !== false);
}

function imagesOf(rs: ReplicaSet): string[] {
  return (rs.spec.template.spec?.containers ?? []).map((c) => c.image);
}

function sameImages(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((image, i) => image === b[i]);
}
