import { deepEqual } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { Condition } from './kube-types.js';
import type { ObjectStore } from './object-store.js';
import type { HttpRoute } from './workload-types.js';

export const GATEWAY_CONTROLLER_NAME = 'emulator.smartspec.io/gateway-controller';

/**
 * A Gateway controller's status for HTTPRoutes (Gateway API route status): per parentRef,
 * Accepted, and ResolvedRefs false with BackendNotFound when a backend Service is missing. There
 * is no data plane: the weights are only stored, as a real route's are until a proxy applies them.
 */
export class HttpRouteController {
  constructor(private readonly store: ObjectStore) {}

  syncAll(now: number): void {
    for (const route of this.store.scan<HttpRoute>('httproutes')) this.sync(route, now);
  }

  private sync(route: HttpRoute, now: number): void {
    const namespace = route.metadata.namespace;
    const missing = (route.spec.rules ?? [])
      .flatMap((r) => r.backendRefs ?? [])
      .filter((b) => (b.kind ?? 'Service') === 'Service' && !this.store.peek('services', b.namespace ?? namespace, b.name))
      .map((b) => b.name);
    const generation = route.metadata.generation ?? 1;
    const previous = (route.status?.parents ?? []) as Array<{ conditions?: Condition[] }>;
    const parents = (route.spec.parentRefs ?? []).map((ref, i) => {
      const keep = (type: string, status: Condition['status'], reason: string, message: string): Condition => {
        const old = previous[i]?.conditions?.find((c) => c.type === type);
        const same =
          old?.status === status &&
          old.reason === reason &&
          old.message === message &&
          (old as { observedGeneration?: number }).observedGeneration === generation;
        return same && old
          ? old
          : ({ type, status, reason, message, lastTransitionTime: kubeTime(now), observedGeneration: generation } as Condition);
      };
      return {
        parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', ...ref },
        controllerName: GATEWAY_CONTROLLER_NAME,
        conditions: [
          keep('Accepted', 'True', 'Accepted', 'Route is accepted'),
          missing.length === 0
            ? keep('ResolvedRefs', 'True', 'ResolvedRefs', 'Resolved all the Object references for the Route')
            : keep('ResolvedRefs', 'False', 'BackendNotFound', `Service ${missing.join(', ')} not found`),
        ],
      };
    });
    const status = { parents };
    if (deepEqual(route.status, status)) return;
    const latest = this.store.peek<HttpRoute>('httproutes', namespace, route.metadata.name);
    if (latest) this.store.update('httproutes', { ...latest, status });
  }
}
