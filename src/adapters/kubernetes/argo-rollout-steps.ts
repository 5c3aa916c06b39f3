// Argo Rollouts: abort an in-progress update (what `kubectl argo rollouts abort` sends: status.abort
// through the status subresource), then undo by restoring a previous ReplicaSet's template (what
// `kubectl argo rollouts undo` sends: a JSON patch of /spec/template), here behind a `test` of the
// resourceVersion so a concurrent change is re-read instead of overwritten.
import { ApiException, PatchStrategy, setHeaderOptions, type V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Run, Step } from '../../core/model.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { RUN_ANNOTATION } from './rollout-undo-step.js';
import { findTargetRevision, imagesOf, rolloutReplicaSets } from './workload-history.js';
import { isArgoInProgress, type ArgoRollout } from './workload-status.js';

const MAX_CONFLICT_RETRIES = 3;

export type ArgoUndoStep = Extract<Step, { kind: 'argo_undo' }>;

export function readRollout(clients: ClusterClients, namespace: string, name: string): Promise<ArgoRollout> {
  return clients.custom.getNamespacedCustomObject({
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'rollouts',
    namespace,
    name,
  }) as Promise<ArgoRollout>;
}

/** 'none' when nothing is in progress (the stable ReplicaSet is the current one). */
export async function abortRollout(
  clients: ClusterClients,
  namespace: string,
  name: string,
  signal: AbortSignal,
  dryRun = false,
): Promise<'aborted' | 'already' | 'none'> {
  const ro = await withRetry(() => readRollout(clients, namespace, name), signal);
  if (!isArgoInProgress(ro)) return 'none';
  if (ro.status?.abort === true) return 'already';
  const body = { status: { abort: true } };
  await withRetry(
    () =>
      clients.custom.patchNamespacedCustomObjectStatus(
        { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', namespace, name, body, ...(dryRun ? { dryRun: 'All' } : {}) },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    signal,
  );
  return 'aborted';
}

export async function undoRollout(
  clients: ClusterClients,
  run: Run,
  step: ArgoUndoStep,
  namespace: string,
  signal: AbortSignal,
  dryRun = false,
): Promise<'applied' | 'already'> {
  const name = step.component;
  for (let attempt = 0; ; attempt++) {
    const ro = await withRetry(() => readRollout(clients, namespace, name), signal);
    if (
      !dryRun &&
      ro.metadata?.annotations?.[RUN_ANNOTATION] === run.id &&
      imagesOf(ro.spec?.template as V1PodTemplateSpec).includes(step.target.image)
    )
      return 'already';
    const history = await withRetry(() => rolloutReplicaSets(clients, ro), signal);
    const target = findTargetRevision(history, step.target);
    if (!target)
      throw new Error(
        `no ReplicaSet of Rollout ${name} runs ${step.target.image} any more (revisionHistoryLimit): roll it forward to that image through its source of truth`,
      );
    const annotations = {
      ...ro.metadata?.annotations,
      [RUN_ANNOTATION]: run.id,
      'kubernetes.io/change-cause': `smartspec-rollback ${run.id}: rollback to ${run.plan.toVersion}`,
    };
    const body = [
      { op: 'test', path: '/metadata/resourceVersion', value: ro.metadata?.resourceVersion },
      { op: 'replace', path: '/spec/template', value: target.template },
      { op: ro.metadata?.annotations ? 'replace' : 'add', path: '/metadata/annotations', value: annotations },
    ];
    try {
      await withRetry(
        () =>
          clients.custom.patchNamespacedCustomObject(
            { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', namespace, name, body, ...(dryRun ? { dryRun: 'All' } : {}) },
            setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
          ),
        signal,
      );
      return 'applied';
    } catch (error) {
      // A failed `test` is 422 on a real API server, a resourceVersion conflict 409: read again either way.
      if (error instanceof ApiException && (error.code === 409 || error.code === 422) && attempt < MAX_CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}
