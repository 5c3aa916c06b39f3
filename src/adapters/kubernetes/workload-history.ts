// The revision history of StatefulSets and DaemonSets (their ControllerRevisions) and of Argo
// Rollouts (their ReplicaSets), read the way `kubectl rollout history` and `kubectl argo rollouts
// undo` read it: listed by the owner's selector, kept only when the owner controls them.
import type { V1ControllerRevision, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { ClusterClients } from './kube-clients.js';

export const ARGO_REVISION = 'rollout.argoproj.io/revision';
export const ARGO_HASH_LABEL = 'rollouts-pod-template-hash';

interface Owner {
  metadata?: { namespace?: string; uid?: string };
  spec?: { selector?: { matchLabels?: Record<string, string> } };
}

export interface Revision {
  revision: number;
  template: V1PodTemplateSpec;
  createdAt?: string;
  /** The ReplicaSet's pod-template hash (Rollouts only). */
  hash?: string;
}

function selector(owner: Owner): string {
  return Object.entries(owner.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function controlledBy(obj: { metadata?: { ownerReferences?: Array<{ uid?: string; controller?: boolean }> } }, owner: Owner): boolean {
  return obj.metadata?.ownerReferences?.some((o) => o.controller === true && o.uid === owner.metadata?.uid) ?? false;
}

/** A ControllerRevision's data is `{"spec":{"template":{…,"$patch":"replace"}}}`: the template it restores. */
export function templateOfControllerRevision(cr: V1ControllerRevision): V1PodTemplateSpec | undefined {
  const data = cr.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = data?.spec?.template;
  if (!template || typeof template !== 'object') return undefined;
  const { $patch: _directive, ...rest } = template;
  return rest as V1PodTemplateSpec;
}

/** StatefulSet or DaemonSet history, newest revision first. */
export async function controllerRevisions(clients: ClusterClients, owner: Owner): Promise<Revision[]> {
  const list = await clients.apps.listNamespacedControllerRevision({
    namespace: owner.metadata?.namespace ?? 'default',
    labelSelector: selector(owner),
  });
  return list.items
    .filter((cr) => controlledBy(cr, owner))
    .flatMap((cr) => {
      const template = templateOfControllerRevision(cr);
      const created = cr.metadata?.creationTimestamp;
      return template ? [{ revision: cr.revision, template, ...(created ? { createdAt: new Date(created).toISOString() } : {}) }] : [];
    })
    .sort((a, b) => b.revision - a.revision);
}

/** An Argo Rollout's history, newest revision first; templates without Argo's hash label. */
export async function rolloutReplicaSets(clients: ClusterClients, owner: Owner): Promise<Revision[]> {
  const list = await clients.apps.listNamespacedReplicaSet({ namespace: owner.metadata?.namespace ?? 'default', labelSelector: selector(owner) });
  return list.items
    .filter((rs) => controlledBy(rs, owner))
    .flatMap((rs: V1ReplicaSet) => {
      const revision = Number(rs.metadata?.annotations?.[ARGO_REVISION]);
      const template = rs.spec?.template;
      if (!Number.isInteger(revision) || !template) return [];
      const labels = { ...(template.metadata?.labels ?? {}) };
      const hash = labels[ARGO_HASH_LABEL];
      delete labels[ARGO_HASH_LABEL]; // the controller owns this label; copying it back would be wrong
      const created = rs.metadata?.creationTimestamp;
      return [
        {
          revision,
          template: { ...template, metadata: { ...template.metadata, labels } },
          ...(hash ? { hash } : {}),
          ...(created ? { createdAt: new Date(created).toISOString() } : {}),
        },
      ];
    })
    .sort((a, b) => b.revision - a.revision);
}

export function imagesOf(template: V1PodTemplateSpec | undefined): string[] {
  return (template?.spec?.containers ?? []).map((c) => c.image ?? '').filter(Boolean);
}

/** The revision to restore: the planned one if it still runs the image, else the newest that does. */
export function findTargetRevision(history: Revision[], target: { image: string; revision?: number }): Revision | undefined {
  return (
    history.find((r) => r.revision === target.revision && imagesOf(r.template).includes(target.image)) ??
    history.find((r) => imagesOf(r.template).includes(target.image))
  );
}
