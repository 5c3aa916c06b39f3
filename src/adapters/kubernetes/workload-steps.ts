// The steps for StatefulSets, DaemonSets and Argo Rollouts, as the KubernetesProvider runs them:
// write, then watch with the rules of each kind; dry runs through the API server; verification.
import type { V1StatefulSet } from '@kubernetes/client-node';
import type { Run, Step, VerificationCheck } from '../../core/model.js';
import { abortRollout, undoRollout } from './argo-rollout-steps.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { imagesOf } from './workload-history.js';
import type { ArgoRollout } from './workload-status.js';
import { applyWorkloadTemplate, stuckStatefulSetPods } from './workload-undo-step.js';
import { readWorkload, waitForWorkload, workloadState } from './workload-watch.js';

export type WorkloadStep = Extract<Step, { kind: 'workload_undo' | 'argo_abort' | 'argo_undo' }>;

export function isWorkloadStep(step: Step): step is WorkloadStep {
  return step.kind === 'workload_undo' || step.kind === 'argo_abort' || step.kind === 'argo_undo';
}

/** StatefulSets and DaemonSets have no progress deadline of their own; Deployments default to 600 s. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export async function executeWorkloadStep(
  clients: ClusterClients,
  run: Run,
  step: WorkloadStep,
  namespace: string,
  deadlineSeconds: number,
  signal: AbortSignal,
): Promise<{ ok: boolean; detail: string }> {
  const deadlineMs = deadlineSeconds * 1000;
  switch (step.kind) {
    case 'workload_undo': {
      await applyWorkloadTemplate(clients, run, step, namespace, signal);
      const outcome = await waitForWorkload(clients, step.workload, namespace, step.component, deadlineMs, signal);
      if (outcome.state.phase === 'complete')
        return { ok: true, detail: `${step.workload} ${step.component} runs ${step.target.image}; ${outcome.state.message}` };
      const stuck = step.workload === 'StatefulSet' ? await stuckStatefulSetPods(clients, outcome.object as V1StatefulSet, signal) : undefined;
      return { ok: false, detail: `${step.workload} ${step.component}: ${outcome.state.message}${stuck ? `; ${stuck}` : ''}` };
    }
    case 'argo_abort': {
      const result = await abortRollout(clients, namespace, step.component, signal);
      if (result === 'none') return { ok: true, detail: `Rollout ${step.component} has no update in progress: nothing to abort` };
      // Aborted means the stable ReplicaSet is scaled back: Argo says Degraded ("RolloutAborted") once it is.
      const outcome = await waitForWorkload(clients, 'Rollout', namespace, step.component, deadlineMs, signal, (obj) => {
        const ro = obj as ArgoRollout;
        const replicas = ro.spec?.replicas ?? 1;
        if (ro.status?.abort && (ro.status.updatedReplicas ?? 0) === 0 && (ro.status.availableReplicas ?? 0) >= replicas)
          return { phase: 'complete', message: `the stable ReplicaSet ${ro.status.stableRS ?? '?'} serves ${replicas}/${replicas} replicas again` };
        if (!isAborting(ro)) return { phase: 'complete', message: 'the update ended by itself' };
        return { phase: 'progressing', message: `${ro.status?.availableReplicas ?? 0}/${replicas} stable replicas available` };
      });
      return outcome.state.phase === 'complete'
        ? { ok: true, detail: `Rollout ${step.component} aborted: ${outcome.state.message}` }
        : { ok: false, detail: `Rollout ${step.component}: ${outcome.state.message}` };
    }
    case 'argo_undo': {
      await undoRollout(clients, run, step, namespace, signal);
      const outcome = await waitForWorkload(clients, 'Rollout', namespace, step.component, deadlineMs, signal);
      return outcome.state.phase === 'complete'
        ? { ok: true, detail: `Rollout ${step.component} runs ${step.target.image}; ${outcome.state.message}` }
        : { ok: false, detail: `Rollout ${step.component}: ${outcome.state.message}` };
    }
  }
}

function isAborting(ro: ArgoRollout): boolean {
  return ro.status?.abort === true || (ro.status?.stableRS !== undefined && ro.status.stableRS !== ro.status.currentPodHash);
}

export async function dryRunWorkloadStep(
  clients: ClusterClients,
  run: Run,
  step: WorkloadStep,
  namespace: string,
  signal: AbortSignal,
): Promise<void> {
  if (step.kind === 'workload_undo') await applyWorkloadTemplate(clients, run, step, namespace, signal, true);
  else if (step.kind === 'argo_abort') await abortRollout(clients, namespace, step.component, signal, true);
  else await undoRollout(clients, run, step, namespace, signal, true);
}

/** After the steps: the workload runs the target image and its rollout is settled by its kind's rules. */
export async function verifyWorkloadStep(
  clients: ClusterClients,
  step: WorkloadStep,
  namespace: string,
  signal: AbortSignal,
): Promise<Omit<VerificationCheck, 'durationMs'> | undefined> {
  if (step.kind === 'argo_abort') return undefined;
  const kind = step.kind === 'argo_undo' ? 'Rollout' : step.workload;
  const obj = await withRetry(() => readWorkload(clients, kind, namespace, step.component), signal);
  const state = workloadState(kind, obj);
  const images = imagesOf(obj.spec?.template as Parameters<typeof imagesOf>[0]);
  const onTarget = images.includes(step.target.image);
  return {
    name: `rollout ${step.component}`,
    phase: state.phase === 'complete' && onTarget ? 'passed' : 'failed',
    measured: `${state.message}; ${images.join(', ')}`,
    threshold: `settled on ${step.target.image}`,
    detail: onTarget ? state.message : `${kind} ${step.component} does not run the target image any more: someone changed it`,
  };
}
