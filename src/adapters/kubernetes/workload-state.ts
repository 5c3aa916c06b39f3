// What a StatefulSet, DaemonSet or Argo Rollout runs now, with its revision history and GitOps
// ownership: the same ComponentState a Deployment gives, so the plan's checks apply unchanged.
import { ApiException, type V1DaemonSet, type V1StatefulSet } from '@kubernetes/client-node';
import type { ComponentState } from '../../core/model.js';
import type { ClusterClients } from './kube-clients.js';
import { gitOpsOwner } from './kubernetes-state.js';
import { ARGO_REVISION, controllerRevisions, imagesOf, rolloutReplicaSets, type Revision } from './workload-history.js';
import { readWorkload, workloadState } from './workload-watch.js';
import type { ArgoRollout, WorkloadKind } from './workload-status.js';

export async function readWorkloadState(clients: ClusterClients, kind: WorkloadKind, namespace: string, name: string): Promise<ComponentState | undefined> {
  let obj;
  try {
    obj = await readWorkload(clients, kind, namespace, name);
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined; // the drift check names what is missing
    throw error;
  }
  const history = kind === 'Rollout' ? await rolloutReplicaSets(clients, obj) : await controllerRevisions(clients, obj);
  const gitOps = gitOpsOwner(obj.metadata);
  const counts = replicaCounts(kind, obj);
  const revision = currentRevision(kind, obj, history);
  return {
    name,
    images: imagesOf(obj.spec?.template as Revision['template']),
    ...(revision === undefined ? {} : { revision }),
    ...counts,
    // OnDelete never completes by itself; it is not "in progress" unless pods lag the template.
    rolloutInProgress: workloadState(kind, obj).phase === 'progressing' || (kind === 'Rollout' && (obj as ArgoRollout).status?.stableRS !== (obj as ArgoRollout).status?.currentPodHash),
    history: history.map((h) => ({ revision: h.revision, images: imagesOf(h.template), ...(h.createdAt ? { createdAt: h.createdAt } : {}) })),
    ...(gitOps ? { gitOps } : {}),
  };
}

function replicaCounts(kind: WorkloadKind, obj: V1StatefulSet | V1DaemonSet | ArgoRollout): Pick<ComponentState, 'desiredReplicas' | 'readyReplicas' | 'updatedReplicas'> {
  if (kind === 'DaemonSet') {
    const s = (obj as V1DaemonSet).status;
    return { desiredReplicas: s?.desiredNumberScheduled ?? 0, readyReplicas: s?.numberReady ?? 0, updatedReplicas: s?.updatedNumberScheduled ?? 0 };
  }
  const o = obj as V1StatefulSet | ArgoRollout;
  return { desiredReplicas: o.spec?.replicas ?? 1, readyReplicas: o.status?.readyReplicas ?? 0, updatedReplicas: o.status?.updatedReplicas ?? 0 };
}

/** The revision the object's template is: Argo's annotation, or the newest ControllerRevision (the update revision). */
function currentRevision(kind: WorkloadKind, obj: V1StatefulSet | V1DaemonSet | ArgoRollout, history: Revision[]): number | undefined {
  if (kind === 'Rollout') {
    const n = Number(obj.metadata?.annotations?.[ARGO_REVISION]);
    return Number.isInteger(n) ? n : undefined;
  }
  return history[0]?.revision;
}
