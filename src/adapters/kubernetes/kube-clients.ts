// One bot, many clusters: a set of API clients per kubeconfig context, made once and reused.
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, VersionApi, Watch } from '@kubernetes/client-node';
import { ReusingKubeConfig } from './reusing-kube-config.js';

export interface ClusterClients {
  apps: AppsV1Api;
  core: CoreV1Api;
  /** Argo Rollouts (argoproj.io/v1alpha1), a custom resource. */
  custom: CustomObjectsApi;
  watch: Watch;
  /** GET /version: the readiness probe's "is this cluster reachable" (needs no RBAC rule). */
  version: VersionApi;
  context: string;
}

export class KubeClients {
  private readonly byContext = new Map<string, ClusterClients>();

  constructor(private readonly base: KubeConfig) {}

  /** The clients for `context`, or for the kubeconfig's current context when none is named. */
  for(context?: string): ClusterClients {
    const name = context ?? this.base.getCurrentContext();
    const cached = this.byContext.get(name);
    if (cached) return cached;
    if (!this.base.getContextObject(name)) {
      throw new Error(
        `kubeconfig has no context "${name}" (known: ${
          this.base
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    // One connection pool per cluster for every client of this context (the library would make one per request).
    const config = new ReusingKubeConfig();
    config.loadFromOptions({ clusters: this.base.clusters, users: this.base.users, contexts: this.base.contexts, currentContext: name });
    const clients = {
      apps: config.makeApiClient(AppsV1Api),
      core: config.makeApiClient(CoreV1Api),
      custom: config.makeApiClient(CustomObjectsApi),
      watch: new Watch(config),
      version: config.makeApiClient(VersionApi),
      context: name,
    };
    this.byContext.set(name, clients);
    return clients;
  }

  contexts(): string[] {
    return this.base.getContexts().map((c) => c.name);
  }
}
