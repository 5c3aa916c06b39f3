// The previous container's last lines for the few pods that crashed: bounded in pods, lines and length.
// Scrubbing happens in the core (analyseRootCause) so every source of text passes the same filter.
import type { V1Pod } from '@kubernetes/client-node';
import type { LogEvidence, PodEvidence } from '../../core/evidence.js';
import type { ClusterClients } from './kube-clients.js';

const MAX_LOG_PODS = 3;
const LOG_TAIL_LINES = 20;
const MAX_LOG_LINE = 500;

export async function crashLogs(
  clients: ClusterClients,
  namespace: string,
  raw: V1Pod[],
  pods: PodEvidence[],
  signal: AbortSignal,
): Promise<LogEvidence[]> {
  const crashed = pods.filter((p) => p.restarts > 0 || p.waitingReason === 'CrashLoopBackOff').slice(0, MAX_LOG_PODS);
  // At once: the evidence is awaited before the first write, and each read needs only its pod's name.
  const logs = await Promise.all(
    crashed.map(async (p): Promise<LogEvidence | undefined> => {
      if (signal.aborted) return undefined;
      const pod = raw.find((r) => r.metadata?.name === p.name);
      const container = pod?.spec?.containers.find((c) => c.image === p.image)?.name ?? pod?.spec?.containers[0]?.name;
      if (!container) return undefined;
      try {
        const text = await clients.core.readNamespacedPodLog({ name: p.name, namespace, container, previous: true, tailLines: LOG_TAIL_LINES });
        const lines = String(text)
          .split('\n')
          .filter((l) => l.trim() !== '')
          .slice(-LOG_TAIL_LINES)
          .map((l) => l.slice(0, MAX_LOG_LINE));
        return { pod: p.name, container, lines };
      } catch {
        return { pod: p.name, container, lines: [] }; // no previous container yet: nothing to quote
      }
    }),
  );
  return logs.filter((l): l is LogEvidence => l !== undefined);
}
