import { createHash } from 'node:crypto';
import { kubeTime } from './kube-time.js';
import type { Condition, ContainerState, ContainerStatus, PodStatus } from './kube-types.js';
import type { SimContainer, SimPod } from './pod-state.js';

export const UNSCHEDULABLE_MESSAGE =
  '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

// Ids are rendered every tick; hashing them once keeps the kubelet loop cheap.
const idCache = new Map<string, string>();

function cachedDigest(key: string): string {
  let digest = idCache.get(key);
  if (digest === undefined) {
    if (idCache.size > 10_000) idCache.clear();
    digest = createHash('sha256').update(key).digest('hex');
    idCache.set(key, digest);
  }
  return digest;
}

export function containerId(podUid: string, name: string, restartCount: number): string {
  return `containerd://${cachedDigest(`${podUid}/${name}/${restartCount}`)}`;
}

function imageId(image: string): string {
  const repo = image.split('@')[0]?.replace(/:[^/:]+$/, '') ?? image;
  return `${repo}@sha256:${cachedDigest(image)}`;
}

/** The kubelet's back-off shown in messages: 10s doubling to 5m, whatever our real timing is. */
function backOffSeconds(restarts: number): number {
  return Math.min(300, 10 * 2 ** Math.max(0, restarts - 1));
}

function containerState(pod: SimPod, c: SimContainer): ContainerState {
  switch (c.phase) {
    case 'creating':
      return { waiting: { reason: 'ContainerCreating' } };
    case 'pull-error':
      return {
        waiting: {
          reason: 'ErrImagePull',
          message: `rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": not found`,
        },
      };
    case 'pull-backoff':
      return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
    case 'running':
      return { running: { startedAt: kubeTime(c.startedAt ?? pod.createdAt) } };
    case 'crash-backoff':
      return {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${backOffSeconds(c.restartCount)}s restarting failed container=${c.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`,
        },
      };
  }
}

function containerStatus(pod: SimPod, c: SimContainer): ContainerStatus {
  const status: ContainerStatus = {
    name: c.name,
    state: containerState(pod, c),
    lastState: {},
    ready: c.phase === 'running' && c.readySince !== undefined,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.startedOnce ? imageId(c.image) : '',
    started: c.phase === 'running',
  };
  if (c.startedOnce) status.containerID = containerId(pod.uid, c.name, c.restartCount);
  if (c.lastTerminated) {
    const t = c.lastTerminated;
    status.lastState = {
      terminated: {
        exitCode: t.exitCode,
        reason: t.reason,
        startedAt: kubeTime(t.startedAt),
        finishedAt: kubeTime(t.finishedAt),
        containerID: t.containerId,
      },
    };
  }
  return status;
}

function condition(pod: SimPod, type: string, ok: boolean, now: number, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False';
  const since = pod.conditionSince.get(type);
  const at = since && since.status === status ? since.at : now;
  pod.conditionSince.set(type, { status, at });
  const out: Condition = { type, status, lastProbeTime: null, lastTransitionTime: kubeTime(at) };
  if (reason) out.reason = reason;
  if (message) out.message = message;
  return out;
}

export function renderPodStatus(pod: SimPod, now: number, qosClass: string): PodStatus {
  if (pod.scheduledAt === undefined) {
    return {
      phase: 'Pending',
      conditions: [condition(pod, 'PodScheduled', false, now, 'Unschedulable', UNSCHEDULABLE_MESSAGE)],
      qosClass,
    };
  }
  const unready = pod.containers.filter((c) => !(c.phase === 'running' && c.readySince !== undefined)).map((c) => c.name);
  const ready = unready.length === 0;
  const notReadyMessage = ready ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const allStarted = pod.containers.every((c) => c.startedOnce);
  return {
    phase: allStarted ? 'Running' : 'Pending',
    conditions: [
      condition(pod, 'PodReadyToStartContainers', true, now),
      condition(pod, 'Initialized', true, now),
      condition(pod, 'Ready', ready, now, ready ? undefined : 'ContainersNotReady', notReadyMessage),
      condition(pod, 'ContainersReady', ready, now, ready ? undefined : 'ContainersNotReady', notReadyMessage),
      condition(pod, 'PodScheduled', true, now),
    ],
    hostIP: pod.hostIP,
    hostIPs: pod.hostIP ? [{ ip: pod.hostIP }] : undefined,
    podIP: pod.podIP,
    podIPs: pod.podIP ? [{ ip: pod.podIP }] : undefined,
    startTime: kubeTime(pod.scheduledAt),
    containerStatuses: pod.containers.map((c) => containerStatus(pod, c)),
    qosClass,
  };
}
