// What a service's Deployments run now, with their revision history, GitOps ownership and
// blue-green side: everything the plan's checks and steps are decided from.
import { ApiException, type V1Deployment } from '@kubernetes/client-node';
import type { ComponentState, DeployState } from '../../core/model.js';
import type { KubernetesTarget } from '../../core/service.js';
import type { ClusterClients } from './kube-clients.js';
import { type DeploymentReads, directReads } from './execution-reads.js';
import { revisionOf, rolloutState, templateImages } from './rollout-status.js';
import { gitOpsOwner } from './gitops-owner.js';
import { readWorkloadState } from './workload-state.js';

/** `reads`: how Deployments and their ReplicaSets are read (one execution shares them: execution-reads.ts). */
export async function readServiceState(
  clients: ClusterClients,
  target: KubernetesTarget,
  reads: DeploymentReads = directReads(clients),
): Promise<DeployState> {
  // Each component's reads are independent: made at once, the state is one round trip deep, not one per component.
  const read = await Promise.all([
    ...target.deployments.map(async (name) => {
      const d = await orUndefined(reads.deployment(target.namespace, name));
      return d ? componentState(reads, d, target.blueGreen?.label) : undefined;
    }),
    ...(target.workloads ?? []).map((w) => readWorkloadState(clients, w.kind, target.namespace, w.name)),
  ]);
  const components = read.filter((c): c is ComponentState => c !== undefined);
  const state: DeployState = { components };
  if (target.blueGreen) {
    const service = await clients.core.readNamespacedService({ name: target.blueGreen.service, namespace: target.namespace });
    const live = service.spec?.selector?.[target.blueGreen.label];
    if (live !== undefined) state.liveSlot = live;
  }
  return state;
}

export function readDeploymentOrUndefined(clients: ClusterClients, namespace: string, name: string): Promise<V1Deployment | undefined> {
  return orUndefined(clients.apps.readNamespacedDeployment({ name, namespace }));
}

async function orUndefined(read: Promise<V1Deployment>): Promise<V1Deployment | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined; // the drift check names what is missing
    throw error;
  }
}

async function componentState(reads: DeploymentReads, d: V1Deployment, slotLabel: string | undefined): Promise<ComponentState> {
  const history = (await reads.replicaSets(d)).flatMap((rs) => {
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
