// Rolls one Deployment back: copy the pod template of the ReplicaSet that ran the target image back
// into the Deployment (what `kubectl rollout undo --to-revision` does, as apps/v1 has no rollback
// endpoint); when that ReplicaSet is gone, set the recorded images instead.
import { ApiException, PatchStrategy, setHeaderOptions, type V1Deployment, type V1PodTemplateSpec, type V1ReplicaSet } from '@kubernetes/client-node';
import type { Run, Step } from '../../core/model.js';
import type { ReadDeployment } from './execution-reads.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { ownedReplicaSets } from './replica-set-history.js';
import { revisionOf, templateImages } from './rollout-status.js';

export const RUN_ANNOTATION = 'smartspec.io/rollback-run';
const MAX_CONFLICT_RETRIES = 3;

type UndoStep = Extract<Step, { kind: 'rollout_undo' }>;

/**
 * Applies the template (or, with dryRun, has the API server validate it). Idempotent per run.
 * `read`: the Deployment and its ReplicaSets as this execution has just read them (its drift re-read),
 * used for the first attempt instead of reading again; the PATCH's resourceVersion precondition makes
 * the API server refuse it if the Deployment changed since, and the next attempt reads afresh.
 */
export async function applyRollbackTemplate(
  clients: ClusterClients,
  run: Run,
  step: UndoStep,
  namespace: string,
  signal: AbortSignal,
  dryRun = false,
  read?: ReadDeployment,
): Promise<'applied' | 'already'> {
  for (let attempt = 0; ; attempt++) {
    const reused = attempt === 0 && read?.deployment.metadata?.name === step.component ? read : undefined;
    const d = reused?.deployment ?? (await withRetry(() => clients.apps.readNamespacedDeployment({ name: step.component, namespace }), signal));
    if (!dryRun && d.metadata?.annotations?.[RUN_ANNOTATION] === run.id && templateImages(d).includes(step.target.image)) return 'already';
    const template = targetTemplate(d, step, reused?.replicaSets ?? (await withRetry(() => ownedReplicaSets(clients, d), signal)));
    const patch = {
      metadata: {
        // A precondition: if anyone changed the Deployment since we read it, the API answers 409.
        resourceVersion: d.metadata?.resourceVersion,
        annotations: { [RUN_ANNOTATION]: run.id, 'kubernetes.io/change-cause': `smartspec-rollback ${run.id}: rollback to ${run.plan.toVersion}` },
      },
      // $patch: replace makes the template exactly the old one: a plain strategic merge would keep
      // containers and env vars that only the failed version added.
      spec: { template: { $patch: 'replace', ...template } },
    };
    try {
      await withRetry(
        () =>
          clients.apps.patchNamespacedDeployment(
            { name: step.component, namespace, body: patch, ...(dryRun ? { dryRun: 'All' } : {}) },
            setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
          ),
        signal,
      );
      return 'applied';
    } catch (error) {
      // Someone changed it between our read and our write: read again and re-apply the same target.
      if (error instanceof ApiException && error.code === 409 && attempt < MAX_CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}

function targetTemplate(d: V1Deployment, step: UndoStep, replicaSets: V1ReplicaSet[]): V1PodTemplateSpec {
  const match =
    replicaSets.find((rs) => revisionOf(rs) === step.target.revision && templateImages(rs).includes(step.target.image)) ??
    replicaSets.find((rs) => templateImages(rs).includes(step.target.image));
  const template = match?.spec?.template;
  if (template) {
    const labels = { ...(template.metadata?.labels ?? {}) };
    delete labels['pod-template-hash']; // the controller owns this label; copying it back would be wrong
    return { ...template, metadata: { ...template.metadata, labels } };
  }
  return withRecordedImage(d, step);
}

/** The revision is gone (revisionHistoryLimit): keep today's template, put the recorded image back. */
function withRecordedImage(d: V1Deployment, step: UndoStep): V1PodTemplateSpec {
  const template = structuredClone(d.spec?.template ?? {}) as V1PodTemplateSpec;
  const containers = template.spec?.containers ?? [];
  const repository = (image: string) => image.replace(/[:@][^:/@]+$/, '');
  const wanted = repository(step.target.image);
  const container = containers.find((c) => repository(c.image ?? '') === wanted) ?? (containers.length === 1 ? containers[0] : undefined);
  if (!container)
    throw new Error(`no revision of ${step.component} runs ${step.target.image} any more, and no container of it uses that image's repository`);
  container.image = step.target.image;
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels['pod-template-hash'];
  return { ...template, metadata: { ...template.metadata, labels } };
}
