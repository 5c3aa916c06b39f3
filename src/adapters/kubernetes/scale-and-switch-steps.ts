// Blue-green steps: scale one side (and wait until it is ready when warming it), and move traffic by
// pointing the Service's selector at the other side.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Step } from '../../core/model.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';

type ScaleStep = Extract<Step, { kind: 'scale' }>;
type SwitchStep = Extract<Step, { kind: 'switch_traffic' }>;

export async function scaleDeployment(
  clients: ClusterClients,
  step: ScaleStep,
  namespace: string,
  signal: AbortSignal,
  dryRun = false,
): Promise<void> {
  await withRetry(
    () =>
      clients.apps.patchNamespacedDeploymentScale(
        { name: step.component, namespace, body: { spec: { replicas: step.replicas } }, ...(dryRun ? { dryRun: 'All' } : {}) },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    signal,
  );
}

/**
 * Moves traffic only if the Service still points where the plan saw it: a selector someone already
 * switched is left alone (and reported), never flipped back.
 */
export async function switchTraffic(
  clients: ClusterClients,
  step: SwitchStep,
  namespace: string,
  signal: AbortSignal,
  dryRun = false,
): Promise<'switched' | 'already'> {
  const service = await withRetry(() => clients.core.readNamespacedService({ name: step.service, namespace }), signal);
  const current = service.spec?.selector?.[step.label];
  if (current === step.to && !dryRun) return 'already';
  if (current !== step.from)
    throw new Error(
      `Service ${step.service} selects ${step.label}=${current ?? 'nothing'}, not ${step.from} as planned: someone changed it; re-plan`,
    );
  await withRetry(
    () =>
      clients.core.patchNamespacedService(
        {
          name: step.service,
          namespace,
          body: { metadata: { resourceVersion: service.metadata?.resourceVersion }, spec: { selector: { [step.label]: step.to } } },
          ...(dryRun ? { dryRun: 'All' } : {}),
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    signal,
  );
  return 'switched';
}
