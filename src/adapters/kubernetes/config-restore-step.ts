// Restores a ConfigMap's data as the rollback target ran with it. The write carries the resourceVersion
// the plan saw, so a ConfigMap someone changed since is not overwritten: the step fails and says so.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Step, VerificationCheck } from '../../core/model.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';

export type ConfigRestoreStep = Extract<Step, { kind: 'config_restore' }>;

export async function restoreConfigMap(
  clients: ClusterClients,
  step: ConfigRestoreStep,
  namespace: string,
  signal: AbortSignal,
  dryRun = false,
): Promise<{ ok: boolean; detail: string }> {
  const cm = await withRetry(() => clients.core.readNamespacedConfigMap({ name: step.configMap, namespace }), signal);
  const now = cm.data ?? {};
  if (sameData(now, step.data) && !dryRun) return { ok: true, detail: `ConfigMap ${step.configMap} already holds what the target ran with` };
  const rv = cm.metadata?.resourceVersion;
  if (rv !== step.resourceVersion) {
    return {
      ok: false,
      detail: `ConfigMap ${step.configMap} changed since the plan (resourceVersion ${step.resourceVersion} → ${rv ?? '?'}): not overwritten; re-plan`,
    };
  }
  // A merge patch sets the target's keys and deletes the rest (null); metadata.resourceVersion is its precondition.
  const data: Record<string, string | null> = { ...step.data };
  for (const key of Object.keys(now)) if (!(key in step.data)) data[key] = null;
  await withRetry(
    () =>
      clients.core.patchNamespacedConfigMap(
        {
          name: step.configMap,
          namespace,
          body: { metadata: { resourceVersion: step.resourceVersion }, data },
          ...(dryRun ? { dryRun: 'All' } : {}),
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    signal,
  );
  return { ok: true, detail: `ConfigMap ${step.configMap} restored (${Object.keys(step.data).length} key(s))` };
}

export async function verifyConfigMap(
  clients: ClusterClients,
  step: ConfigRestoreStep,
  namespace: string,
  signal: AbortSignal,
): Promise<Omit<VerificationCheck, 'durationMs'>> {
  const cm = await withRetry(() => clients.core.readNamespacedConfigMap({ name: step.configMap, namespace }), signal);
  const ok = sameData(cm.data ?? {}, step.data);
  return {
    name: `config ${step.configMap}`,
    phase: ok ? 'passed' : 'failed',
    detail: ok ? `ConfigMap ${step.configMap} holds what the target ran with` : `ConfigMap ${step.configMap} was changed after the restore`,
  };
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
