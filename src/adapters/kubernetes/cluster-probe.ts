// Readiness of each cluster the catalog names: GET /version through the client library, so the
// probe uses the same kubeconfig, TLS and credentials as a rollback would. /version is readable by
// every client (system:public-info-viewer), so this needs no RBAC rule; a wrong token still fails.
import { ApiException, Observable, type ObservableMiddleware } from '@kubernetes/client-node';
import type { Catalog } from '../../core/service.js';
import type { ReadinessCheck } from '../http/readiness-routes.js';
import type { KubeClients } from './kube-clients.js';

export function clusterChecks(kubeClients: KubeClients, contexts: string[]): ReadinessCheck[] {
  return [...new Set(contexts)].map((context) => ({
    name: `cluster:${context}`,
    check: async (signal: AbortSignal) => {
      const clients = kubeClients.for(context);
      try {
        await clients.version.getCode({}, { middleware: [abortWith(signal)], middlewareMergeStrategy: 'append' });
      } catch (error) {
        throw new Error(describeClusterError(error));
      }
    },
  }));
}

/**
 * The contexts the catalog's cluster-bound services use (Kubernetes and Helm targets); one without a
 * context uses the kubeconfig's current context. Command targets reach no cluster of ours.
 */
export function catalogContexts(catalog: Catalog, kubeClients: KubeClients): string[] {
  const names = new Set<string>();
  for (const { target } of catalog.services.values()) {
    if (target.kind === 'command') continue;
    names.add(target.context ?? kubeClients.for().context);
  }
  return [...names];
}

/** The generated client takes no AbortSignal argument; its RequestContext does, set here before sending. */
function abortWith(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
}

/** Status and network cause only: an ApiException's message carries the whole response, headers included. */
function describeClusterError(error: unknown): string {
  if (error instanceof ApiException) return `the API server answered HTTP ${error.code}`;
  if (error instanceof Error) {
    if (error.name === 'AbortError') return 'aborted';
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    return code ? `${error.message} (${code})` : error.message;
  }
  return 'unknown error';
}
