// "May the bot do this?" asked of the API server itself (SelfSubjectAccessReview, what `kubectl auth
// can-i` sends), for every verb a plan's steps and the watching and evidence around them use. The
// answer comes from the cluster's real RBAC, so a Role edited last week shows up in a rehearsal.
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { ReusingKubeConfig } from './reusing-kube-config.js';
import type { Step } from '../../core/model.js';
import type { AccessCheck } from '../../core/ports.js';
import type { Service } from '../../core/service.js';

interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
}

export class KubernetesAccessReview {
  private readonly byContext = new Map<string, AuthorizationV1Api>();

  constructor(private readonly base: KubeConfig) {}

  async checkAccess(service: Service, steps: Step[], signal: AbortSignal): Promise<AccessCheck[] | undefined> {
    const target = service.target;
    if (target.kind !== 'kubernetes' && target.kind !== 'helm') return undefined;
    // Helm talks to the cluster with the same identity, but what it needs depends on the chart.
    if (target.kind === 'helm') return undefined;
    const api = this.client(target.context);
    const needed = dedupe(attributesFor(steps));
    const checks: AccessCheck[] = [];
    for (const a of needed) {
      if (signal.aborted) throw new Error('access review cancelled');
      const review = await api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              namespace: target.namespace,
              verb: a.verb,
              group: a.group,
              resource: a.resource,
              ...(a.subresource ? { subresource: a.subresource } : {}),
              ...(a.name ? { name: a.name } : {}),
            },
          },
        },
      });
      const status = review.status;
      const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
      checks.push({
        action: `${a.verb} ${a.group ? `${resource}.${a.group}` : resource}${a.name ? ` ${a.name}` : ''} in ${target.namespace}`,
        allowed: status?.allowed === true && status.denied !== true,
        ...(status?.reason ? { reason: status.reason } : {}),
      });
    }
    return checks;
  }

  private client(context: string | undefined): AuthorizationV1Api {
    const name = context ?? this.base.getCurrentContext();
    const cached = this.byContext.get(name);
    if (cached) return cached;
    const config = new ReusingKubeConfig(); // one connection pool per cluster, not one per review
    config.loadFromOptions({ clusters: this.base.clusters, users: this.base.users, contexts: this.base.contexts, currentContext: name });
    const api = config.makeApiClient(AuthorizationV1Api);
    this.byContext.set(name, api);
    return api;
  }
}

/** What each step writes and watches, plus what reading state and evidence always need. */
function attributesFor(steps: Step[]): Attributes[] {
  const always: Attributes[] = [
    { verb: 'list', group: 'apps', resource: 'replicasets' },
    { verb: 'list', group: '', resource: 'pods' },
    { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
    { verb: 'list', group: '', resource: 'events' },
  ];
  const perStep = steps.flatMap((step): Attributes[] => {
    switch (step.kind) {
      case 'rollout_undo':
        return [
          { verb: 'get', group: 'apps', resource: 'deployments', name: step.component },
          { verb: 'patch', group: 'apps', resource: 'deployments', name: step.component },
          { verb: 'watch', group: 'apps', resource: 'deployments' },
        ];
      case 'scale':
        return [
          { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', name: step.component },
          { verb: 'watch', group: 'apps', resource: 'deployments' },
        ];
      case 'switch_traffic':
        return [
          { verb: 'get', group: '', resource: 'services', name: step.service },
          { verb: 'patch', group: '', resource: 'services', name: step.service },
        ];
      case 'workload_undo': {
        const resource = step.workload === 'StatefulSet' ? 'statefulsets' : 'daemonsets';
        return [
          { verb: 'get', group: 'apps', resource, name: step.component },
          { verb: 'patch', group: 'apps', resource, name: step.component },
          { verb: 'list', group: 'apps', resource: 'controllerrevisions' },
        ];
      }
      case 'gradual_shift':
        return step.via === 'http_route'
          ? [
              { verb: 'get', group: 'gateway.networking.k8s.io', resource: 'httproutes', name: step.route!.name },
              { verb: 'patch', group: 'gateway.networking.k8s.io', resource: 'httproutes', name: step.route!.name },
              { verb: 'get', group: 'apps', resource: 'deployments' },
            ]
          : [
              { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', name: step.to },
              { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', name: step.from },
              { verb: 'watch', group: 'apps', resource: 'deployments' },
            ];
      case 'config_restore':
        return [
          { verb: 'get', group: '', resource: 'configmaps', name: step.configMap },
          { verb: 'patch', group: '', resource: 'configmaps', name: step.configMap },
        ];
      case 'argo_abort':
      case 'argo_undo':
        return [
          { verb: 'get', group: 'argoproj.io', resource: 'rollouts', name: step.component },
          { verb: 'patch', group: 'argoproj.io', resource: 'rollouts', name: step.component },
        ];
      default:
        return [];
    }
  });
  return [...perStep, ...always];
}

function dedupe(list: Attributes[]): Attributes[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const key = `${a.verb}|${a.group}|${a.resource}|${a.subresource ?? ''}|${a.name ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
