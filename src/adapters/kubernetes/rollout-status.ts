// Whether a Deployment's rollout is done, judged the way `kubectl rollout status` judges it.
import type { V1Deployment } from '@kubernetes/client-node';

export type RolloutState = { phase: 'complete'; message: string } | { phase: 'progressing'; message: string } | { phase: 'failed'; message: string };

export function rolloutState(d: V1Deployment): RolloutState {
  const name = d.metadata?.name ?? '?';
  const generation = d.metadata?.generation ?? 0;
  const status = d.status ?? {};
  if ((status.observedGeneration ?? 0) < generation)
    return { phase: 'progressing', message: `waiting for the spec update of ${name} to be observed` };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { phase: 'failed', message: `${name} exceeded its progress deadline: ${progressing.message ?? ''}`.trim() };
  }
  const desired = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  if (updated < desired) return { phase: 'progressing', message: `${updated} of ${desired} updated replicas of ${name}` };
  if (total > updated) return { phase: 'progressing', message: `${total - updated} old replica(s) of ${name} pending termination` };
  if (available < updated) return { phase: 'progressing', message: `${available} of ${updated} updated replicas of ${name} available` };
  return { phase: 'complete', message: `${name}: ${available}/${desired} replicas ready` };
}

export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const raw = obj.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) ? n : undefined;
}

export function templateImages(d: { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } }): string[] {
  return (d.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '').filter(Boolean);
}
