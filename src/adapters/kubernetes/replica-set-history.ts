// A Deployment's revision history is its ReplicaSets: each carries a revision and a pod template.
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import type { ClusterClients } from './kube-clients.js';
import { revisionOf } from './rollout-status.js';

export function selectorOf(d: V1Deployment): string {
  const labels = d.spec?.selector?.matchLabels ?? {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The ReplicaSets the Deployment owns, newest revision first. */
export async function ownedReplicaSets(clients: ClusterClients, d: V1Deployment): Promise<V1ReplicaSet[]> {
  const namespace = d.metadata?.namespace ?? 'default';
  const list = await clients.apps.listNamespacedReplicaSet({ namespace, labelSelector: selectorOf(d) });
  return list.items
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid))
    .sort((a, b) => (revisionOf(b) ?? 0) - (revisionOf(a) ?? 0));
}
