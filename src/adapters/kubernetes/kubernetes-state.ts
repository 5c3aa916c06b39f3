// What a service's Deployments run now, with their revision history, GitOps ownership and
// blue-green side: everything the plan's checks and steps are decided from.
import { ApiException, type V1Deployment } from '@kubernetes/client-node';
import type { ComponentState, DeployState } from '../../core/model.js';
import type { KubernetesTarget } from '../../core/service.js';
import type { ClusterClients } from './kube-clients.js';
import { ownedReplicaSets } from './replica-set-history.js';
import { revisionOf, rolloutState, templateImages } from './rollout-status.js';
import { gitOpsOwner } from './gitops-owner.js';
import { readWorkloadState } from './workload-state.js';

export async function readServiceState(clients: ClusterClients, target: KubernetesTarget): Promise<DeployState> {
  const components: ComponentState[] = [];
  for (const name of target.deployments) {
    const d = await readDeploymentOrUndefined(clients, target.namespace, name);
    if (d) components.push(await componentState(clients, d, target.blueGreen?.label));
  }
  for (const workload of target.workloads ?? []) {
    const state = await readWorkloadState(clients, workload.kind, target.namespace, workload.name);
    if (state) components.push(state);
  }
  const state: DeployState = { components };
  if (target.blueGreen) {
    const service = await clients.core.readNamespacedService({ name: target.blueGreen.service, namespace: target.namespace });
    const live = service.spec?.selector?.[target.blueGreen.label];
    if (live !== undefined) state.liveSlot = live;
  }
  return state;
}

export async function readDeploymentOrUndefined(clients: ClusterClients, namespace: string, name: string): Promise<V1Deployment | undefined> {
  try {
    return await clients.apps.readNamespacedDeployment({ name, namespace });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined; // the drift check names what is missing
    throw error;
  }
}

async function componentState(clients: ClusterClients, d: V1Deployment, slotLabel: string | undefined): Promise<ComponentState> {
  const history = (await ownedReplicaSets(clients, d)).flatMap((rs) => {
    const revision = revisionOf(rs);
    const createdAt = rs.metadata?.creationTimestamp;
    return revision === undefined
      ? []
      : [{ revision, images: templateImages(rs), ...(createdAt ? { createdAt: new Date(createdAt).toISOString() } : {}) }];
  });
  const revision = revisionOf(d);
  const gitOps = gitOpsOwner(d.metadata);
  const slot = slotLabel ? d.spec?.template?.metadata?.labels?.[slotLabel] : undefined;
  return {
    name: d.metadata?.name ?? '?',
    images: templateImages(d),
    ...(revision === undefined ? {} : { revision }),
    desiredReplicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
    updatedReplicas: d.status?.updatedReplicas ?? 0,
    rolloutInProgress: rolloutState(d).phase === 'progressing',
    history,
    ...(gitOps ? { gitOps } : {}),
    ...(slot ? { slot } : {}),
  };
}
