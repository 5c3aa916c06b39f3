// What a service's workloads are configured with: the ConfigMaps their templates (now and in their
// history: ReplicaSets, ControllerRevisions) reference, with data and resourceVersion, and a hash of each referenced Secret.
// Secret data is read only to hash it here; it is never returned, stored or logged.
import { createHash } from 'node:crypto';
import { ApiException, type V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ConfigSnapshot, ConfigState, Deployment } from '../../core/model.js';
import type { KubernetesTarget } from '../../core/service.js';
import { addTemplateRefs, emptyRefs, type ConfigRefs } from './config-refs.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { readDeploymentOrUndefined } from './kubernetes-state.js';
import { ownedReplicaSets } from './replica-set-history.js';
import { templateImages } from './rollout-status.js';
import { controllerRevisions, imagesOf, rolloutReplicaSets } from './workload-history.js';
import { readWorkload } from './workload-watch.js';

const UNREADABLE = 'unreadable';

/** The configuration every revision the cluster still holds may point back to (a rollback target's names included). */
export async function readConfigState(clients: ClusterClients, target: KubernetesTarget, signal: AbortSignal): Promise<ConfigState> {
  const refs = emptyRefs();
  for (const name of target.deployments) {
    const d = await readDeploymentOrUndefined(clients, target.namespace, name);
    if (!d) continue;
    addTemplateRefs(refs, d.spec?.template);
    for (const rs of await withRetry(() => ownedReplicaSets(clients, d), signal)) addTemplateRefs(refs, rs.spec?.template);
  }
  for (const { kind, name } of target.workloads ?? []) {
    const obj = await readOrMissing(() => readWorkload(clients, kind, target.namespace, name), signal);
    if (!obj) continue;
    addTemplateRefs(refs, obj.spec?.template as V1PodTemplateSpec | undefined);
    const history =
      kind === 'Rollout'
        ? await withRetry(() => rolloutReplicaSets(clients, obj), signal)
        : await withRetry(() => controllerRevisions(clients, obj), signal);
    for (const revision of history) addTemplateRefs(refs, revision.template);
  }
  const state: ConfigState = { configMaps: {}, secrets: {} };
  for (const name of [...refs.configMaps].sort()) {
    const cm = await readOrMissing(() => clients.core.readNamespacedConfigMap({ name, namespace: target.namespace }), signal);
    if (cm) state.configMaps[name] = { data: cm.data ?? {}, resourceVersion: cm.metadata?.resourceVersion ?? '' };
  }
  for (const name of [...refs.secrets].sort()) state.secrets[name] = await secretHash(clients, target.namespace, name, signal);
  return state;
}

/**
 * The configuration of `deployment`, if the cluster runs it now: only Deployments whose template runs
 * the recorded image are read, so a record posted before (or long after) its rollout snapshots nothing wrong.
 */
export async function snapshotConfig(
  clients: ClusterClients,
  target: KubernetesTarget,
  deployment: Deployment,
  maxBytes: number,
  now: Date,
  signal: AbortSignal,
): Promise<ConfigSnapshot | undefined> {
  const refs: ConfigRefs = emptyRefs();
  let running = 0;
  for (const [name, spec] of Object.entries(deployment.components)) {
    if (!target.deployments.includes(name)) continue; // StatefulSets, DaemonSets and Rollouts below
    const d = await readDeploymentOrUndefined(clients, target.namespace, name);
    if (!d || !templateImages(d).includes(spec.image)) continue;
    running++;
    addTemplateRefs(refs, d.spec?.template);
  }
  for (const { kind, name } of target.workloads ?? []) {
    const image = deployment.components[name]?.image;
    if (image === undefined) continue;
    const obj = await readOrMissing(() => readWorkload(clients, kind, target.namespace, name), signal);
    const template = obj?.spec?.template as V1PodTemplateSpec | undefined;
    if (!template || !imagesOf(template).includes(image)) continue;
    running++;
    addTemplateRefs(refs, template);
  }
  if (running === 0) return undefined;
  const snapshot: ConfigSnapshot = { takenAt: now.toISOString(), configMaps: {}, secrets: {} };
  const skipped: NonNullable<ConfigSnapshot['skipped']> = [];
  for (const name of [...refs.configMaps].sort()) {
    const cm = await readOrMissing(() => clients.core.readNamespacedConfigMap({ name, namespace: target.namespace }), signal);
    if (!cm) {
      skipped.push({ name, why: 'it did not exist' });
      continue;
    }
    const data = cm.data ?? {};
    const bytes = Buffer.byteLength(JSON.stringify(data));
    if (bytes > maxBytes) {
      skipped.push({ name, why: `${bytes} bytes, more than kubernetes.configSnapshot.maxBytes ${maxBytes}` });
      continue;
    }
    snapshot.configMaps[name] = data;
  }
  for (const name of [...refs.secrets].sort()) snapshot.secrets[name] = await secretHash(clients, target.namespace, name, signal);
  if (skipped.length > 0) snapshot.skipped = skipped;
  return snapshot;
}

/**
 * sha256 over the Secret's keys and values in key order; 'missing' when it does not exist;
 * 'unreadable' when RBAC does not let the bot read Secrets (the opt-in deploy/kubernetes/components/secret-hashes).
 */
async function secretHash(clients: ClusterClients, namespace: string, name: string, signal: AbortSignal): Promise<string> {
  let secret;
  try {
    secret = await readOrMissing(() => clients.core.readNamespacedSecret({ name, namespace }), signal);
  } catch (error) {
    if (error instanceof ApiException && error.code === 403) return UNREADABLE;
    throw error;
  }
  if (!secret) return 'missing';
  const data = secret.data ?? {};
  const canonical = JSON.stringify(
    Object.keys(data)
      .sort()
      .map((k) => [k, data[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

async function readOrMissing<T>(read: () => Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  try {
    return await withRetry(read, signal);
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined;
    throw error;
  }
}
