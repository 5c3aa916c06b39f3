// Rolls a StatefulSet or DaemonSet back: the target ControllerRevision's template patched back
// into the object, what `kubectl rollout undo` does for both kinds (a strategic merge patch whose
// template is `$patch: replace`), here with a resourceVersion precondition so a concurrent change
// is re-read instead of overwritten.
import { ApiException, PatchStrategy, setHeaderOptions, type V1DaemonSet, type V1PodTemplateSpec, type V1StatefulSet } from '@kubernetes/client-node';
import type { Run, Step } from '../../core/model.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { RUN_ANNOTATION } from './rollout-undo-step.js';
import { controllerRevisions, findTargetRevision, imagesOf } from './workload-history.js';

const MAX_CONFLICT_RETRIES = 3;

export type WorkloadUndoStep = Extract<Step, { kind: 'workload_undo' }>;

export async function applyWorkloadTemplate(
  clients: ClusterClients,
  run: Run,
  step: WorkloadUndoStep,
  namespace: string,
  signal: AbortSignal,
  dryRun = false,
): Promise<'applied' | 'already'> {
  const name = step.component;
  for (let attempt = 0; ; attempt++) {
    const current: V1StatefulSet | V1DaemonSet =
      step.workload === 'StatefulSet'
        ? await withRetry(() => clients.apps.readNamespacedStatefulSet({ name, namespace }), signal)
        : await withRetry(() => clients.apps.readNamespacedDaemonSet({ name, namespace }), signal);
    if (!dryRun && current.metadata?.annotations?.[RUN_ANNOTATION] === run.id && imagesOf(current.spec?.template).includes(step.target.image))
      return 'already';
    const history = await withRetry(() => controllerRevisions(clients, current), signal);
    const template = findTargetRevision(history, step.target)?.template ?? withRecordedImage(current.spec?.template, step);
    const body = {
      metadata: {
        // A precondition: if anyone changed the object since we read it, the API answers 409.
        resourceVersion: current.metadata?.resourceVersion,
        annotations: { [RUN_ANNOTATION]: run.id, 'kubernetes.io/change-cause': `smartspec-rollback ${run.id}: rollback to ${run.plan.toVersion}` },
      },
      spec: { template: { ...template, $patch: 'replace' } },
    };
    const options = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    const dry = dryRun ? { dryRun: 'All' } : {};
    try {
      if (step.workload === 'StatefulSet')
        await withRetry(() => clients.apps.patchNamespacedStatefulSet({ name, namespace, body, ...dry }, options), signal);
      else await withRetry(() => clients.apps.patchNamespacedDaemonSet({ name, namespace, body, ...dry }, options), signal);
      return 'applied';
    } catch (error) {
      if (error instanceof ApiException && error.code === 409 && attempt < MAX_CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}

/** The revision is gone (revisionHistoryLimit): keep today's template, put the recorded image back. */
function withRecordedImage(template: V1PodTemplateSpec | undefined, step: WorkloadUndoStep): V1PodTemplateSpec {
  const copy = structuredClone(template ?? {}) as V1PodTemplateSpec;
  const containers = copy.spec?.containers ?? [];
  const repository = (image: string) => image.replace(/[:@][^:/@]+$/, '');
  const container =
    containers.find((c) => repository(c.image ?? '') === repository(step.target.image)) ?? (containers.length === 1 ? containers[0] : undefined);
  if (!container)
    throw new Error(
      `no revision of ${step.workload} ${step.component} runs ${step.target.image} any more, and no container of it uses that image's repository`,
    );
  container.image = step.target.image;
  return copy;
}

/**
 * Why an OrderedReady StatefulSet stopped: a pod still on another revision that is not ready. The
 * controller waits for it forever (Kubernetes' documented "forced rollback"); a person deletes it.
 */
export async function stuckStatefulSetPods(clients: ClusterClients, sts: V1StatefulSet, signal: AbortSignal): Promise<string | undefined> {
  if (sts.spec?.podManagementPolicy === 'Parallel') return undefined;
  const namespace = sts.metadata?.namespace ?? 'default';
  const selector = Object.entries(sts.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await withRetry(() => clients.core.listNamespacedPod({ namespace, labelSelector: selector }), signal);
  const update = sts.status?.updateRevision;
  const stuck = pods.items.filter(
    (p) =>
      p.metadata?.ownerReferences?.some((o) => o.uid === sts.metadata?.uid) &&
      !p.metadata?.deletionTimestamp &&
      p.metadata?.labels?.['controller-revision-hash'] !== update &&
      !(p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  if (stuck.length === 0) return undefined;
  const names = stuck.map((p) => p.metadata?.name ?? '?');
  return `pod ${names.join(', ')} still ${names.length > 1 ? 'run' : 'runs'} the previous revision and ${names.length > 1 ? 'are' : 'is'} not ready; with podManagementPolicy OrderedReady the StatefulSet controller waits for ${names.length > 1 ? 'them' : 'it'} (Kubernetes' forced rollback): delete ${names.length > 1 ? 'them' : 'it'} to continue (kubectl delete pod ${names.join(' ')} -n ${namespace})`;
}
