// Decorators that count the errors a port's adapter throws, per operation, and rethrow them unchanged.
// They wrap every method by name (a Proxy), so a method added to a port later is counted without an
// edit here, and adapter-only methods (SqliteStore.schemaVersion) stay reachable.
import type { ApproverDirectory } from '../../core/use-cases/deps.js';
import type { ChatSurface, DeployProvider, IncidentService } from '../../core/ports.js';
import type { Dependency, Metrics } from './metrics.js';

/** One deploy provider, counted under its own kind: wrap each provider, not the router in front of them. */
export function instrumentProvider<P extends DeployProvider>(provider: P, metrics: Metrics, dependency: Dependency): P {
  return instrumentDependency(provider, metrics, dependency);
}

/** Any adapter object whose failures count against `dependency` (e.g. the database step runner). */
export function instrumentDependency<T extends object>(target: T, metrics: Metrics, dependency: Dependency): T {
  return countingErrors(target, (operation) => metrics.dependencyFailed(dependency, operation));
}

export function instrumentChat<C extends ChatSurface>(chat: C, metrics: Metrics): C {
  return countingErrors(chat, (operation) => metrics.dependencyFailed('slack', operation));
}

/** User-group lookups go to Slack too (usergroups.users.list); a failure there refuses an approval. */
export function instrumentDirectory<D extends ApproverDirectory>(directory: D, metrics: Metrics): D {
  return countingErrors(directory, (operation) => metrics.dependencyFailed('slack', operation));
}

export function instrumentIncidents<I extends IncidentService>(incidents: I, metrics: Metrics): I {
  return countingErrors(incidents, (operation) => metrics.dependencyFailed('pagerduty', operation));
}

/** Calls `onError(methodName)` whenever a method throws or its promise rejects; the error still propagates. */
export function countingErrors<T extends object>(target: T, onError: (operation: string) => void): T {
  const wrapped = new Map<PropertyKey, unknown>();
  const note = (operation: string) => {
    try {
      onError(operation);
    } catch {
      // Counting must never turn into the failure the caller sees.
    }
  };
  return new Proxy(target, {
    get(obj, property) {
      const value: unknown = Reflect.get(obj, property, obj);
      if (typeof value !== 'function' || typeof property === 'symbol' || property === 'constructor') return value;
      const cached = wrapped.get(property);
      if (cached) return cached;
      const method = value as (...args: unknown[]) => unknown;
      const wrapper = (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = method.apply(obj, args);
        } catch (error) {
          note(property);
          throw error;
        }
        if (isPromise(result)) {
          return result.then(undefined, (error: unknown) => {
            note(property);
            throw error;
          });
        }
        return result;
      };
      wrapped.set(property, wrapper);
      return wrapper;
    },
  });
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
