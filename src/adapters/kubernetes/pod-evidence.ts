// Evidence of what the failed version's pods did — states, termination reasons, warnings, last log
// lines — and how its pod template differs from the target's. Collected before the rollback, because
// the rollback deletes those very pods (and a later revision may push the failed ReplicaSet out).
import type { V1Pod } from '@kubernetes/client-node';
import type { ComponentDiff, Evidence, PodEvidence } from '../../core/evidence.js';
import { readWarningEvents, relevantWarnings } from './event-evidence.js';
import type { ClusterClients } from './kube-clients.js';
import { crashLogs } from './log-evidence.js';
import { type DeploymentReads, directReads } from './execution-reads.js';
import { selectorOf } from './replica-set-history.js';
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
  /** How Deployments and their ReplicaSets are read (one execution shares them with its drift re-read: execution-reads.ts). */
  reads: DeploymentReads = directReads(clients),
): Promise<Evidence> {
  const pods: PodEvidence[] = [];
  const rawPods: V1Pod[] = [];
  const objects = new Set<string>();
  const diffs: ComponentDiff[] = [];
  let omittedPods = 0;
  const addFailedPods = (list: V1Pod[], component: string): void => {
    const failedPods = list
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
  const podsOf = async (labelSelector: string) => (await clients.core.listNamespacedPod({ namespace, labelSelector })).items;
  // Every component's reads at once (its history and its pods each need only the Deployment); put together in order.
  // The warning events need no other read: listed alongside, filtered once the objects are known.
  const [events, read] = await Promise.all([
    readWarningEvents(clients, namespace),
    Promise.all(
      components.map(async (component) => {
        const d = await reads.deployment(namespace, component);
        const [replicaSets, podList] = await Promise.all([reads.replicaSets(d), podsOf(selectorOf(d))]);
        return { component, replicaSets, podList };
      }),
    ),
  ]);
  for (const { component, replicaSets, podList } of read) {
    objects.add(`Deployment/${component}`);
    for (const rs of replicaSets) {
      if (templateImages(rs).some((i) => failedImages.includes(i))) objects.add(`ReplicaSet/${rs.metadata?.name ?? ''}`);
    }
    const picked = pickReplicaSets(replicaSets, failedImages, targets[component]);
    if (picked.failed && picked.target) diffs.push(diffReplicaSets(component, picked.target, picked.failed));
    addFailedPods(podList, component);
  }
  for (const workload of workloads) {
    if (signal.aborted) break;
    const obj = await readWorkload(clients, workload.kind, namespace, workload.name);
    objects.add(`${workload.kind}/${workload.name}`);
    addFailedPods(
      await podsOf(
        Object.entries(obj.spec?.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ),
      workload.name,
    );
  }
  const warnings = relevantWarnings(events, objects);
  const logs = await crashLogs(clients, namespace, rawPods, pods, signal);
  const evidence: Evidence = { failedImages, pods, warnings: warnings.warnings, logs, diff: { components: diffs } };
  if (omittedPods > 0 || warnings.omitted > 0) evidence.omitted = { pods: omittedPods, warnings: warnings.omitted };
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
