// Discovery for services made of StatefulSets, DaemonSets or Argo Rollouts only: each revision of
// the primary workload (its ControllerRevisions, or a Rollout's ReplicaSets) becomes a deployment
// `<service>@r<revision>`. As for Deployments, only the live revision of a settled workload with
// every replica available is `succeeded`; every other revision is `unverified`.
import type { ComponentSpec, Deployment } from '../../core/model.js';
import type { KubernetesTarget, Service, WorkloadRef } from '../../core/service.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';
import { readWorkloadState } from './workload-state.js';

export async function discoverWorkloadDeployments(
  clients: ClusterClients,
  service: Service,
  target: KubernetesTarget,
  signal: AbortSignal,
): Promise<Deployment[]> {
  const workloads = target.workloads ?? [];
  const primary: WorkloadRef | undefined = workloads.find((w) => target.core.includes(w.name)) ?? workloads[0];
  if (!primary) return [];
  const states = new Map<string, NonNullable<Awaited<ReturnType<typeof readWorkloadState>>>>();
  for (const w of workloads) {
    const state = await withRetry(() => readWorkloadState(clients, w.kind, target.namespace, w.name), signal);
    if (state) states.set(w.name, state);
  }
  const main = states.get(primary.name);
  if (!main) return [];
  return main.history.flatMap((h) => {
    if (!h.createdAt) return [];
    const components: Record<string, ComponentSpec> = {};
    for (const [name, state] of states) {
      const match = name === primary.name ? h : latestAtOrBefore(state.history, h.createdAt);
      const image = match?.images[0];
      if (image) components[name] = { image };
    }
    const image = h.images[0] ?? '';
    const healthy = h.revision === main.revision && !main.rolloutInProgress && main.desiredReplicas > 0 && main.readyReplicas >= main.desiredReplicas;
    return [
      {
        id: `${service.name}@r${h.revision}`,
        service: service.name,
        environment: service.environment,
        version: versionOf(image, h.revision),
        status: healthy ? 'succeeded' : 'unverified',
        createdAt: h.createdAt,
        createdBy: `cluster (${primary.kind} history)`,
        components,
        migrations: [],
      } satisfies Deployment,
    ];
  });
}

function latestAtOrBefore<T extends { createdAt?: string }>(history: T[], at: string): T | undefined {
  const dated = history.filter((h) => h.createdAt);
  return (
    dated.filter((h) => h.createdAt! <= at).sort((a, b) => b.createdAt!.localeCompare(a.createdAt!))[0] ??
    dated.sort((a, b) => a.createdAt!.localeCompare(b.createdAt!))[0]
  );
}

function versionOf(image: string, revision: number): string {
  const tag = /:([A-Za-z0-9._@+-]{1,128})$/.exec(image)?.[1];
  return tag && !image.includes('@sha256') ? tag : `r${revision}`;
}
