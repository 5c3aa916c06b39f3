// Gateway API HTTPRoute backend weights: read per side, and set with the resourceVersion the bot just
// read as a precondition (a JSON patch `test`), so a route someone else edits meanwhile is re-read, not overwritten.
import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { GradualSpec } from '../../core/service.js';
import type { ClusterClients } from './kube-clients.js';
import { withRetry } from './kube-retry.js';

const MAX_CONFLICT_RETRIES = 3;

interface BackendRef {
  name?: string;
  weight?: number;
  [key: string]: unknown;
}
interface HttpRoute {
  metadata?: { resourceVersion?: string };
  spec?: { rules?: Array<{ backendRefs?: BackendRef[] }> };
}

function readRoute(clients: ClusterClients, namespace: string, name: string, signal: AbortSignal): Promise<HttpRoute> {
  return withRetry(
    () =>
      clients.custom.getNamespacedCustomObject({
        group: 'gateway.networking.k8s.io',
        version: 'v1',
        plural: 'httproutes',
        namespace,
        name,
      }) as Promise<HttpRoute>,
    signal,
  );
}

/** Each side's weight (Gateway API: an unset weight is 1); sides without a backendRef are absent. */
export async function readRouteWeights(
  clients: ClusterClients,
  namespace: string,
  route: NonNullable<GradualSpec['httpRoute']>,
  sides: string[],
  signal: AbortSignal,
): Promise<Record<string, number>> {
  const object = await readRoute(clients, namespace, route.name, signal);
  const refs = object.spec?.rules?.[route.rule]?.backendRefs ?? [];
  const weights: Record<string, number> = {};
  for (const side of sides) {
    const ref = refs.find((r) => r.name === (route.backends?.[side] ?? side));
    if (ref) weights[side] = ref.weight ?? 1;
  }
  return weights;
}

/** Every backend's weight in one rule, by backend Service name. */
export async function readBackendWeights(
  clients: ClusterClients,
  namespace: string,
  name: string,
  rule: number,
  signal: AbortSignal,
): Promise<Record<string, number>> {
  const object = await readRoute(clients, namespace, name, signal);
  return Object.fromEntries((object.spec?.rules?.[rule]?.backendRefs ?? []).flatMap((r) => (r.name === undefined ? [] : [[r.name, r.weight ?? 1]])));
}

/** Sets two backends' weights in one rule; 'already' when they hold those weights. */
export async function setRouteWeights(
  clients: ClusterClients,
  namespace: string,
  name: string,
  rule: number,
  weights: Record<string, number>,
  signal: AbortSignal,
  dryRun = false,
): Promise<'set' | 'already'> {
  for (let attempt = 0; ; attempt++) {
    const object = await readRoute(clients, namespace, name, signal);
    const refs = object.spec?.rules?.[rule]?.backendRefs;
    if (!refs) throw new Error(`HTTPRoute ${name} has no rule ${rule} with backendRefs`);
    for (const backend of Object.keys(weights))
      if (!refs.some((r) => r.name === backend))
        throw new Error(`HTTPRoute ${name} rule ${rule} no longer sends to ${backend}: someone changed it; re-plan`);
    if (!dryRun && refs.every((r) => r.name === undefined || weights[r.name] === undefined || (r.weight ?? 1) === weights[r.name])) return 'already';
    const next = refs.map((r) => (r.name !== undefined && weights[r.name] !== undefined ? { ...r, weight: weights[r.name] } : r));
    const body = [
      { op: 'test', path: '/metadata/resourceVersion', value: object.metadata?.resourceVersion },
      { op: 'replace', path: `/spec/rules/${rule}/backendRefs`, value: next },
    ];
    try {
      await withRetry(
        () =>
          clients.custom.patchNamespacedCustomObject(
            { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', namespace, name, body, ...(dryRun ? { dryRun: 'All' } : {}) },
            setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
          ),
        signal,
      );
      return 'set';
    } catch (error) {
      // A failed `test` is 422, a resourceVersion conflict 409: read the route again either way.
      if (error instanceof ApiException && (error.code === 409 || error.code === 422) && attempt < MAX_CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}
