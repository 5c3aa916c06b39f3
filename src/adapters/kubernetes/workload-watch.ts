// Waits for a StatefulSet, DaemonSet or Argo Rollout to settle by watching it, resuming dropped
// watches from the last resourceVersion. StatefulSets and DaemonSets have no progress deadline of
// their own (`kubectl rollout status` would wait forever), so the bot keeps one: no progress for
// `deadlineMs` fails the step. Argo Rollouts report their own (ProgressDeadlineExceeded).
import { deadlineSignal } from '../../core/deadline-signal.js';
import type { V1DaemonSet, V1StatefulSet } from '@kubernetes/client-node';
import { abortableSleep } from '../abortable-sleep.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import type { RolloutState } from './rollout-status.js';
import { argoRolloutState, daemonSetState, ProgressMark, statefulSetState, type ArgoRollout, type WorkloadKind } from './workload-status.js';

const MAX_WATCH_RESTARTS = 50;

type Workload = V1StatefulSet | V1DaemonSet | ArgoRollout;

export interface WorkloadOutcome {
  state: RolloutState;
  object: Workload;
}

export function readWorkload(clients: ClusterClients, kind: WorkloadKind, namespace: string, name: string): Promise<Workload> {
  switch (kind) {
    case 'StatefulSet':
      return clients.apps.readNamespacedStatefulSet({ name, namespace });
    case 'DaemonSet':
      return clients.apps.readNamespacedDaemonSet({ name, namespace });
    case 'Rollout':
      return clients.custom.getNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        plural: 'rollouts',
        namespace,
        name,
      }) as Promise<ArgoRollout>;
  }
}

export function workloadState(kind: WorkloadKind, obj: Workload): RolloutState {
  switch (kind) {
    case 'StatefulSet':
      return statefulSetState(obj as V1StatefulSet);
    case 'DaemonSet':
      return daemonSetState(obj as V1DaemonSet);
    case 'Rollout':
      return argoRolloutState(obj as ArgoRollout);
  }
}

/**
 * Resolves when the workload settles (by `settled`, default: not progressing), fails, makes no
 * progress for `deadlineMs`, or the signal aborts.
 */
export async function waitForWorkload(
  clients: ClusterClients,
  kind: WorkloadKind,
  namespace: string,
  name: string,
  deadlineMs: number,
  signal: AbortSignal,
  settled: (obj: Workload) => RolloutState = (obj) => workloadState(kind, obj),
): Promise<WorkloadOutcome> {
  let object = await withRetry(() => readWorkload(clients, kind, namespace, name), signal);
  const mark = new ProgressMark(object);
  let progressedAt = Date.now();
  for (let restart = 0; restart <= MAX_WATCH_RESTARTS; restart++) {
    const state = settled(object);
    if (state.phase !== 'progressing') return { state, object };
    if (signal.aborted) return { state: { phase: 'failed', message: `timed out waiting: ${state.message}` }, object };
    const left = progressedAt + deadlineMs - Date.now();
    if (left <= 0) return { state: { phase: 'failed', message: `no progress for ${Math.round(deadlineMs / 1000)} s: ${state.message}` }, object };
    if (restart > 0) await abortableSleep(Math.min(100 * restart, 2_000, left), signal);
    const window = deadlineSignal(Math.max(1, left), signal);
    const seen = await watchOnce(clients, kind, namespace, name, object.metadata?.resourceVersion, window, (obj) => {
      if (mark.advance(obj)) progressedAt = Date.now();
      return settled(obj).phase !== 'progressing';
    });
    object = seen ?? (await withRetry(() => readWorkload(clients, kind, namespace, name), signal));
    if (mark.advance(object)) progressedAt = Date.now();
  }
  return { state: { phase: 'failed', message: `the watch on ${name} dropped ${MAX_WATCH_RESTARTS} times; check the API server` }, object };
}

/** One watch connection; resolves with the last object seen when `done` holds or the stream ends. */
function watchOnce(
  clients: ClusterClients,
  kind: WorkloadKind,
  namespace: string,
  name: string,
  resourceVersion: string | undefined,
  signal: AbortSignal,
  done: (obj: Workload) => boolean,
): Promise<Workload | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    let controller: AbortController | undefined;
    let latest: Workload | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', finish);
      controller?.abort();
      resolve(latest);
    };
    signal.addEventListener('abort', finish, { once: true });
    const query = { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true };
    const onEvent = (type: string, obj: Workload) => {
      if (type !== 'ADDED' && type !== 'MODIFIED') return;
      latest = obj;
      if (done(obj)) finish();
    };
    const ns = encodeURIComponent(namespace);
    // Literal paths, one per kind: the RBAC test derives the watch permissions from them.
    const started =
      kind === 'StatefulSet'
        ? clients.watch.watch(`/apis/apps/v1/namespaces/${ns}/statefulsets`, query, onEvent, finish)
        : kind === 'DaemonSet'
          ? clients.watch.watch(`/apis/apps/v1/namespaces/${ns}/daemonsets`, query, onEvent, finish)
          : clients.watch.watch(`/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts`, query, onEvent, finish);
    started
      .then((c) => {
        controller = c;
        if (settled) c.abort();
      })
      .catch(finish);
  });
}
