// What a StatefulSet, DaemonSet or Argo Rollout runs now, with its revision history and GitOps
// ownership: the same ComponentState a Deployment gives, so the plan's checks apply unchanged.
import { ApiException, type V1DaemonSet, type V1StatefulSet } from '@kubernetes/client-node';
import type { ComponentState } from '../../core/model.js';
import type { ClusterClients } from './kube-clients.js';
import { gitOpsOwner } from './gitops-owner.js';
import { ARGO_REVISION, controllerRevisions, imagesOf, rolloutReplicaSets, type Revision } from './workload-history.js';
import { readWorkload, workloadState } from './workload-watch.js';
import type { ArgoRollout, WorkloadKind } from './workload-status.js';

export async function readWorkloadState(
  clients: ClusterClients,
  kind: WorkloadKind,
  namespace: string,
  name: string,
): Promise<ComponentState | undefined> {
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
  const warnings = rolloutWarnings(kind, obj);
  return {
    name,
    images: imagesOf(obj.spec?.template as Revision['template']),
    ...(revision === undefined ? {} : { revision }),
    ...counts,
    // OnDelete never completes by itself; it is not "in progress" unless pods lag the template.
    rolloutInProgress:
      workloadState(kind, obj).phase === 'progressing' ||
      (kind === 'Rollout' && (obj as ArgoRollout).status?.stableRS !== (obj as ArgoRollout).status?.currentPodHash),
    history: history.map((h) => ({ revision: h.revision, images: imagesOf(h.template), ...(h.createdAt ? { createdAt: h.createdAt } : {}) })),
    ...(gitOps ? { gitOps } : {}),
    ...(warnings.length > 0 ? { rolloutWarnings: warnings } : {}),
  };
}

/** What makes this workload roll out other than "every pod, by itself": said in the plan, not found out later. */
function rolloutWarnings(kind: WorkloadKind, obj: V1StatefulSet | V1DaemonSet | ArgoRollout): string[] {
  const name = obj.metadata?.name ?? '?';
  if (kind === 'Rollout') {
    return (obj as ArgoRollout).spec?.paused ? [`Rollout ${name} is paused (spec.paused): it will not roll back until someone resumes it.`] : [];
  }
  const strategy = (obj as V1StatefulSet | V1DaemonSet).spec?.updateStrategy;
  if (strategy?.type === 'OnDelete')
    return [`${kind} ${name} uses updateStrategy OnDelete: the rollback restores its template, but its pods change only when someone deletes them.`];
  if (kind === 'DaemonSet') return [];
  const sts = obj as V1StatefulSet;
  const warnings: string[] = [];
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const kept = partition === 1 ? 'ordinal 0 keeps its' : `ordinals 0–${partition - 1} keep their`;
  if (partition > 0)
    warnings.push(`StatefulSet ${name} has partition ${partition}: only ordinals ${partition} and up take the restored template; ${kept} revision.`);
  const replicas = sts.spec?.replicas ?? 1;
  const ready = sts.status?.readyReplicas ?? 0;
  if (sts.spec?.podManagementPolicy !== 'Parallel' && ready < replicas) {
    warnings.push(
      `StatefulSet ${name} has ${ready}/${replicas} ready pods: with podManagementPolicy OrderedReady its controller waits on pods that are not ready, so the rollback may stop until they are deleted (Kubernetes' forced rollback); the step names them if it does.`,
    );
  }
  return warnings;
}

function replicaCounts(
  kind: WorkloadKind,
  obj: V1StatefulSet | V1DaemonSet | ArgoRollout,
): Pick<ComponentState, 'desiredReplicas' | 'readyReplicas' | 'updatedReplicas'> {
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
