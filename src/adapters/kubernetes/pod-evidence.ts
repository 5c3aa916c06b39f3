// Evidence of what the failed version's pods did — states, termination reasons, warnings, last log
// lines — and how its pod template differs from the target's. Collected before the rollback, because
// the rollback deletes those very pods (and a later revision may push the failed ReplicaSet out).
import type { V1Pod } from '@kubernetes/client-node';
import type { ComponentDiff, Evidence, PodEvidence } from '../../core/evidence.js';
import { warningEvents } from './event-evidence.js';
import type { ClusterClients } from './kube-clients.js';
import { crashLogs } from './log-evidence.js';
import { ownedReplicaSets, selectorOf } from './replica-set-history.js';
import { templateImages } from './rollout-status.js';
import { diffReplicaSets, pickReplicaSets, type EvidenceTargets } from './template-diff.js';
import type { WorkloadRef } from '../../core/service.js';
import { readWorkload } from './workload-watch.js';

export { evidenceTargets, type EvidenceTargets } from './template-diff.js';

const MAX_PODS = 50;
const MAX_MESSAGE = 300;

export async function collectEvidence(
  clients: ClusterClients,
  namespace: string,
  components: string[],
  failedImages: string[],
  signal: AbortSignal,
  targets: EvidenceTargets = {},
  /** StatefulSets, DaemonSets and Argo Rollouts: their failed pods and warnings (no template diff). */
  workloads: WorkloadRef[] = [],
): Promise<Evidence> {
  const pods: PodEvidence[] = [];
  const rawPods: V1Pod[] = [];
  const objects = new Set<string>();
  const diffs: ComponentDiff[] = [];
  let omittedPods = 0;
  const addFailedPods = async (labelSelector: string, component: string): Promise<void> => {
    const list = await clients.core.listNamespacedPod({ namespace, labelSelector });
    const failedPods = list.items
      .filter((pod) => (pod.spec?.containers ?? []).some((c) => failedImages.includes(c.image ?? '')))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    for (const pod of failedPods) {
      if (pods.length >= MAX_PODS) {
        omittedPods++;
        continue;
      }
      rawPods.push(pod);
      objects.add(`Pod/${pod.metadata?.name ?? ''}`);
      pods.push(describePod(pod, component, failedImages));
    }
  };
  for (const component of components) {
    if (signal.aborted) break;
    const d = await clients.apps.readNamespacedDeployment({ name: component, namespace });
    objects.add(`Deployment/${component}`);
    const replicaSets = await ownedReplicaSets(clients, d);
    for (const rs of replicaSets) {
      if (templateImages(rs).some((i) => failedImages.includes(i))) objects.add(`ReplicaSet/${rs.metadata?.name ?? ''}`);
    }
    const picked = pickReplicaSets(replicaSets, failedImages, targets[component]);
    if (picked.failed && picked.target) diffs.push(diffReplicaSets(component, picked.target, picked.failed));
    await addFailedPods(selectorOf(d), component);
  }
  for (const workload of workloads) {
    if (signal.aborted) break;
    const obj = await readWorkload(clients, workload.kind, namespace, workload.name);
    objects.add(`${workload.kind}/${workload.name}`);
    await addFailedPods(
      Object.entries(obj.spec?.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      workload.name,
    );
  }
  const events = await warningEvents(clients, namespace, objects);
  const logs = await crashLogs(clients, namespace, rawPods, pods, signal);
  const evidence: Evidence = { failedImages, pods, warnings: events.warnings, logs, diff: { components: diffs } };
  if (omittedPods > 0 || events.omitted > 0) evidence.omitted = { pods: omittedPods, warnings: events.omitted };
  return evidence;
}

function describePod(pod: V1Pod, component: string, failedImages: string[]): PodEvidence {
  const statuses = pod.status?.containerStatuses ?? [];
  // The container that says most: one waiting for a reason, else one that was terminated, else any.
  const worst =
    statuses.find((s) => s.state?.waiting?.reason && s.state.waiting.reason !== 'ContainerCreating') ??
    statuses.find((s) => s.lastState?.terminated) ??
    statuses.find((s) => s.state?.waiting?.reason) ??
    statuses[0];
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const image = pod.spec?.containers.map((c) => c.image ?? '').find((i) => failedImages.includes(i)) ?? '';
  const evidence: PodEvidence = {
    name: pod.metadata?.name ?? '?',
    component,
    image,
    phase: pod.status?.phase ?? 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
  };
  const waiting = worst?.state?.waiting;
  if (waiting?.reason) evidence.waitingReason = waiting.reason;
  if (waiting?.message) evidence.waitingMessage = waiting.message.slice(0, MAX_MESSAGE);
  const terminated = worst?.lastState?.terminated ?? worst?.state?.terminated;
  if (terminated?.reason) evidence.lastTerminationReason = terminated.reason;
  if (terminated?.exitCode !== undefined) evidence.lastExitCode = terminated.exitCode;
  if (unscheduled) evidence.scheduledFailure = `${unscheduled.reason ?? 'Unschedulable'}: ${unscheduled.message ?? ''}`.trim();
  return evidence;
}
