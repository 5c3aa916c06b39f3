// Evidence of what the failed version's pods did: states, termination reasons, warnings, last log lines.
// Collected before the rollback, because the rollback deletes those very pods.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { EventEvidence, Evidence, LogEvidence, PodEvidence } from '../../core/model.js';
import type { ClusterClients } from './kube-clients.js';
import { ownedReplicaSets, selectorOf } from './replica-set-history.js';

const MAX_PODS = 50;
const MAX_LOG_PODS = 3;
const LOG_TAIL_LINES = 20;
const MAX_LOG_LINE = 500;
const MAX_WARNINGS = 30;

export async function collectEvidence(clients: ClusterClients, namespace: string, components: string[], failedImages: string[], signal: AbortSignal): Promise<Evidence> {
  const pods: PodEvidence[] = [];
  const rawPods: V1Pod[] = [];
  const objectNames = new Set<string>();
  for (const component of components) {
    if (signal.aborted) break;
    const d = await clients.apps.readNamespacedDeployment({ name: component, namespace });
    objectNames.add(component);
    for (const rs of await ownedReplicaSets(clients, d)) {
      if (rs.spec?.template?.spec?.containers?.some((c) => failedImages.includes(c.image ?? ''))) objectNames.add(rs.metadata?.name ?? '');
    }
    const list = await clients.core.listNamespacedPod({ namespace, labelSelector: selectorOf(d) });
    for (const pod of list.items) {
      const images = pod.spec?.containers.map((c) => c.image ?? '') ?? [];
      if (!images.some((i) => failedImages.includes(i))) continue;
      if (pods.length >= MAX_PODS) break;
      rawPods.push(pod);
      objectNames.add(pod.metadata?.name ?? '');
      pods.push(describePod(pod, component, failedImages));
    }
  }
  const warnings = await warningEvents(clients, namespace, objectNames);
  const logs = await crashLogs(clients, namespace, rawPods, pods, signal);
  return { failedImages, pods, warnings, logs };
}

function describePod(pod: V1Pod, component: string, failedImages: string[]): PodEvidence {
  const statuses = pod.status?.containerStatuses ?? [];
  const worst = statuses.find((s) => s.state?.waiting?.reason) ?? statuses.find((s) => s.lastState?.terminated) ?? statuses[0];
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
  const waiting = worst?.state?.waiting?.reason;
  if (waiting) evidence.waitingReason = waiting;
  const terminated = worst?.lastState?.terminated ?? worst?.state?.terminated;
  if (terminated?.reason) evidence.lastTerminationReason = terminated.reason;
  if (terminated?.exitCode !== undefined) evidence.lastExitCode = terminated.exitCode;
  if (unscheduled) evidence.scheduledFailure = `${unscheduled.reason ?? 'Unschedulable'}: ${unscheduled.message ?? ''}`.trim();
  return evidence;
}

async function warningEvents(clients: ClusterClients, namespace: string, names: Set<string>): Promise<EventEvidence[]> {
  const list = await clients.core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning' });
  return list.items
    .filter((e: CoreV1Event) => names.has(e.involvedObject.name ?? ''))
    .sort((a, b) => (b.count ?? 1) - (a.count ?? 1))
    .slice(0, MAX_WARNINGS)
    .map((e) => ({ object: `${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}`, reason: e.reason ?? '', message: (e.message ?? '').slice(0, MAX_LOG_LINE), count: e.count ?? 1 }));
}

/** The previous container's last lines, for the few pods that crashed: bounded in pods, lines and length. */
async function crashLogs(clients: ClusterClients, namespace: string, raw: V1Pod[], pods: PodEvidence[], signal: AbortSignal): Promise<LogEvidence[]> {
  const crashed = pods.filter((p) => p.restarts > 0 || p.waitingReason === 'CrashLoopBackOff').slice(0, MAX_LOG_PODS);
  const logs: LogEvidence[] = [];
  for (const p of crashed) {
    if (signal.aborted) break;
    const pod = raw.find((r) => r.metadata?.name === p.name);
    const container = pod?.spec?.containers.find((c) => c.image === p.image)?.name ?? pod?.spec?.containers[0]?.name;
    if (!container) continue;
    try {
      const text = await clients.core.readNamespacedPodLog({ name: p.name, namespace, container, previous: true, tailLines: LOG_TAIL_LINES });
      const lines = String(text).split('\n').filter((l) => l.trim() !== '').slice(-LOG_TAIL_LINES).map((l) => l.slice(0, MAX_LOG_LINE));
      logs.push({ pod: p.name, container, lines });
    } catch {
      logs.push({ pod: p.name, container, lines: [] }); // no previous container yet: nothing to quote
    }
  }
  return logs;
}
