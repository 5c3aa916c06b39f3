// Waits for a Deployment's rollout by watching it (not polling), resuming a dropped watch from the
// last resourceVersion, until it completes, exceeds its progress deadline, or the signal aborts.
import type { V1Deployment } from '@kubernetes/client-node';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { rolloutState, type RolloutState } from './rollout-status.js';
import { abortableSleep } from '../abortable-sleep.js';

// A watch that keeps dropping is a sick API server; give up rather than spin.
const MAX_WATCH_RESTARTS = 50;

export interface RolloutOutcome {
  state: RolloutState;
  deployment: V1Deployment;
}

export async function waitForRollout(clients: ClusterClients, namespace: string, name: string, signal: AbortSignal): Promise<RolloutOutcome> {
  let deployment = await withRetry(() => clients.apps.readNamespacedDeployment({ name, namespace }), signal);
  for (let restart = 0; restart <= MAX_WATCH_RESTARTS; restart++) {
    const state = rolloutState(deployment);
    if (state.phase !== 'progressing') return { state, deployment };
    if (signal.aborted) return { state: { phase: 'failed', message: `timed out waiting: ${state.message}` }, deployment };
    if (restart > 0) await abortableSleep(Math.min(100 * restart, 2_000), signal);
    const next = await watchUntilSettled(clients, namespace, name, deployment.metadata?.resourceVersion, signal);
    // 'gone' (410) or a dropped stream: re-read the object and resume from its resourceVersion.
    deployment = next ?? (await withRetry(() => clients.apps.readNamespacedDeployment({ name, namespace }), signal));
  }
  return { state: { phase: 'failed', message: `the watch on ${name} dropped ${MAX_WATCH_RESTARTS} times; check the API server` }, deployment };
}

/** One watch connection: resolves with the settled Deployment, or undefined when the stream ended first. */
function watchUntilSettled(
  clients: ClusterClients,
  namespace: string,
  name: string,
  resourceVersion: string | undefined,
  signal: AbortSignal,
): Promise<V1Deployment | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    let controller: AbortController | undefined;
    const finish = (value: V1Deployment | undefined) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      controller?.abort();
      resolve(value);
    };
    const onAbort = () => finish(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    let latest: V1Deployment | undefined;
    clients.watch
      .watch(
        `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
        { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true },
        (type, obj: V1Deployment) => {
          if (type !== 'ADDED' && type !== 'MODIFIED') return;
          latest = obj;
          if (rolloutState(obj).phase !== 'progressing') finish(obj);
        },
        () => finish(latest && rolloutState(latest).phase !== 'progressing' ? latest : undefined),
      )
      .then((c) => {
        controller = c;
        if (settled) c.abort();
      })
      .catch(() => finish(undefined));
  });
}
