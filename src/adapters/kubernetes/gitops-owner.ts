// Who else manages a workload: read by Deployment and by StatefulSet/DaemonSet/Rollout state alike,
// so it lives apart from both (importing it from either made an import cycle).
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { ComponentState } from '../../core/model.js';

/** The marks Argo CD and Flux leave on what they manage; Helm's own app.kubernetes.io labels are not such a mark. */
export function gitOpsOwner(meta: V1ObjectMeta | undefined): ComponentState['gitOps'] {
  const labels = meta?.labels ?? {};
  const annotations = meta?.annotations ?? {};
  const argo = annotations['argocd.argoproj.io/tracking-id']?.split(':')[0] ?? labels['argocd.argoproj.io/instance'];
  if (argo) return { tool: 'Argo CD', app: argo };
  const flux = labels['kustomize.toolkit.fluxcd.io/name'] ?? labels['helm.toolkit.fluxcd.io/name'];
  if (flux) return { tool: 'Flux', app: flux };
  return undefined;
}
