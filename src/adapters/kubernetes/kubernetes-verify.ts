// After the steps: does the cluster now look like the plan promised? One check per step, as data.
import type { Run, Step, VerificationCheck } from '../../core/model.js';
import type { KubernetesTarget } from '../../core/service.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { revisionOf, rolloutState, templateImages } from './rollout-status.js';
import { isWorkloadStep, verifyWorkloadStep } from './workload-steps.js';
import { verifyConfigMap } from './config-restore-step.js';
import { verifyGradualStep } from './gradual-shift-step.js';

export async function verifySteps(clients: ClusterClients, run: Run, target: KubernetesTarget, signal: AbortSignal): Promise<VerificationCheck[]> {
  const checks: VerificationCheck[] = [];
  for (const step of run.plan.steps) {
    const t0 = Date.now();
    const check = await verifyStep(clients, step, target.namespace, signal);
    if (check) checks.push({ ...check, durationMs: Date.now() - t0 });
  }
  return checks;
}

async function verifyStep(
  clients: ClusterClients,
  step: Step,
  namespace: string,
  signal: AbortSignal,
): Promise<Omit<VerificationCheck, 'durationMs'> | undefined> {
  if (step.kind === 'switch_traffic') {
    const service = await withRetry(() => clients.core.readNamespacedService({ name: step.service, namespace }), signal);
    const now = service.spec?.selector?.[step.label];
    return {
      name: `traffic ${step.service}`,
      phase: now === step.to ? 'passed' : 'failed',
      measured: `${step.label}=${now ?? 'none'}`,
      threshold: `${step.label}=${step.to}`,
      detail: now === step.to ? `Service ${step.service} sends traffic to ${step.to}` : `Service ${step.service} was changed after the switch`,
    };
  }
  if (isWorkloadStep(step)) return verifyWorkloadStep(clients, step, namespace, signal);
  if (step.kind === 'gradual_shift') return verifyGradualStep(clients, step, namespace, signal);
  if (step.kind === 'config_restore') return verifyConfigMap(clients, step, namespace, signal);
  if (step.kind !== 'rollout_undo' && step.kind !== 'scale') return undefined;
  const d = await withRetry(() => clients.apps.readNamespacedDeployment({ name: step.component, namespace }), signal);
  const desired = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  if (step.kind === 'scale' && step.replicas === 0) {
    return {
      name: `scaled down ${step.component}`,
      phase: desired === 0 ? 'passed' : 'failed',
      measured: `${desired} desired`,
      threshold: '0 desired',
      detail: desired === 0 ? `${step.component} is scaled to 0` : `${step.component} was scaled up again`,
    };
  }
  const state = rolloutState(d);
  const images = templateImages(d);
  const onTarget = step.kind === 'scale' || images.includes(step.target.image);
  const wanted = step.kind === 'scale' ? step.replicas : desired;
  const ok = state.phase === 'complete' && ready >= wanted && onTarget;
  return {
    name: `rollout ${step.component}`,
    phase: ok ? 'passed' : 'failed',
    measured: `${ready}/${wanted} ready, revision ${revisionOf(d) ?? '?'}, ${images.join(', ')}`,
    threshold: `${wanted}/${wanted} ready${step.kind === 'rollout_undo' ? ` on ${step.target.image}` : ''}`,
    detail: onTarget ? state.message : `${step.component} does not run the target image any more: someone changed it`,
  };
}
