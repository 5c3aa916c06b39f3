// Warning events of the failed version's Deployment, ReplicaSets and pods: most repeated first, bounded.
import type { CoreV1Event } from '@kubernetes/client-node';
import type { EventEvidence } from '../../core/evidence.js';
import type { ClusterClients } from './kube-clients.js';

const MAX_WARNINGS = 30;
const MAX_MESSAGE = 500;

export interface WarningEvents {
  warnings: EventEvidence[];
  omitted: number;
}

/** The namespace's warning events: needs no other read, so it can be made alongside them. */
export async function readWarningEvents(clients: ClusterClients, namespace: string): Promise<CoreV1Event[]> {
  return (await clients.core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning' })).items;
}

/** Those of `events` about `objects` ("Kind/name"). */
export function relevantWarnings(events: CoreV1Event[], objects: Set<string>): WarningEvents {
  const relevant = events
    .filter((e: CoreV1Event) => objects.has(`${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}`))
    // Most repeated first; then by object, reason and message so equal counts keep a stable order.
    .map((e) => ({
      object: `${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}`,
      reason: e.reason ?? '',
      message: (e.message ?? '').slice(0, MAX_MESSAGE),
      count: e.count ?? 1,
    }))
    .sort((a, b) => b.count - a.count || a.object.localeCompare(b.object) || a.reason.localeCompare(b.reason) || a.message.localeCompare(b.message));
  return { warnings: relevant.slice(0, MAX_WARNINGS), omitted: Math.max(0, relevant.length - MAX_WARNINGS) };
}
