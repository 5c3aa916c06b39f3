// For services nobody records deployments of: each ReplicaSet revision of the primary Deployment
// becomes a deployment `<service>@r<revision>`, so the bot is useful before any CI integration.
// A revision only says a template was rolled out, not that it ran well: every one is `unverified`,
// except the live revision of a Deployment whose rollout completed with every replica available.
import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import type { ComponentSpec, Deployment } from '../../core/model.js';
import type { KubernetesTarget, Service } from '../../core/service.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { ownedReplicaSets } from './replica-set-history.js';
import { readDeploymentOrUndefined } from './kubernetes-state.js';
import { revisionOf, rolloutState, templateImages } from './rollout-status.js';
import { discoverWorkloadDeployments } from './workload-discovery.js';

export async function discoverDeployments(
  clients: ClusterClients,
  service: Service,
  target: KubernetesTarget,
  signal: AbortSignal,
): Promise<Deployment[]> {
  const histories = new Map<string, V1ReplicaSet[]>();
  const live = new Map<string, V1Deployment>();
  for (const name of target.deployments) {
    const d = await withRetry(() => readDeploymentOrUndefined(clients, target.namespace, name), signal);
    if (d) {
      live.set(name, d);
      histories.set(name, await withRetry(() => ownedReplicaSets(clients, d), signal));
    }
  }
  // The primary component's revisions name the deployments; the others are matched by time.
  const primary = target.core.find((c) => target.deployments.includes(c)) ?? target.deployments[0];
  // Services of StatefulSets, DaemonSets or Rollouts only: their revisions name the deployments.
  if (primary === undefined) return discoverWorkloadDeployments(clients, service, target, signal);
  const revisions = histories.get(primary) ?? [];
  return revisions.flatMap((rs) => {
    const revision = revisionOf(rs);
    const created = rs.metadata?.creationTimestamp;
    if (revision === undefined || !created) return [];
    const createdAt = new Date(created).toISOString();
    const components: Record<string, ComponentSpec> = {};
    for (const [name, sets] of histories) {
      const match = name === primary ? rs : latestAtOrBefore(sets, createdAt);
      const image = match ? templateImages(match)[0] : undefined;
      if (image) components[name] = { image, ...(match?.spec?.replicas ? { replicas: match.spec.replicas } : {}) };
    }
    const image = templateImages(rs)[0] ?? '';
    const deployment: Deployment = {
      id: `${service.name}@r${revision}`,
      service: service.name,
      environment: service.environment,
      version: versionOf(image, revision),
      status: provenHealthy(live.get(primary), rs) ? 'succeeded' : 'unverified',
      createdAt,
      createdBy: 'cluster (ReplicaSet history)',
      components,
      migrations: [],
    };
    return [deployment];
  });
}

/** The cluster proves health only for what runs now: the Deployment's current revision, rolled out, all replicas available. */
function provenHealthy(d: V1Deployment | undefined, rs: V1ReplicaSet): boolean {
  if (!d || revisionOf(d) !== revisionOf(rs)) return false;
  const desired = d.spec?.replicas ?? 1;
  return rolloutState(d).phase === 'complete' && desired > 0 && (d.status?.availableReplicas ?? 0) >= desired;
}

function latestAtOrBefore(sets: V1ReplicaSet[], at: string): V1ReplicaSet | undefined {
  const dated = sets.filter((s) => s.metadata?.creationTimestamp).map((s) => ({ s, t: new Date(s.metadata!.creationTimestamp!).toISOString() }));
  return dated.filter((x) => x.t <= at).sort((a, b) => b.t.localeCompare(a.t))[0]?.s ?? dated.sort((a, b) => a.t.localeCompare(b.t))[0]?.s;
}

/** The image tag, when it is a usable version; otherwise the revision. */
function versionOf(image: string, revision: number): string {
  const tag = /:([A-Za-z0-9._@+-]{1,128})$/.exec(image)?.[1];
  return tag && !image.includes('@sha256') ? tag : `r${revision}`;
}
