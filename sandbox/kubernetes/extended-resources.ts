import type { KubeObject } from './kube-types.js';
import type { ResourceDefinition, SubresourceDefinition } from './resource-registry.js';
import { defaultDaemonSet, defaultSecret, defaultStatefulSet } from './workload-defaults.js';
import type { DaemonSet, Secret, StatefulSet } from './workload-types.js';
import {
  validateConfigMap,
  validateControllerRevision,
  validateDaemonSet,
  validateHttpRoute,
  validateRollout,
  validateSecret,
  validateStatefulSet,
} from './workload-validation.js';

/**
 * The resources added for StatefulSet, DaemonSet, Argo Rollouts and configuration rollbacks.
 * Only types are imported from the registry: it imports this file, so values would be a cycle.
 */

const READ_WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const META_FIELDS = ['metadata.name', 'metadata.namespace'];
const status = (kind: string, group?: string, version?: string): SubresourceDefinition => ({
  name: 'status',
  kind,
  ...(group ? { group, version } : {}),
  verbs: ['get', 'patch', 'update'],
});
const scale: SubresourceDefinition = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
const noDefaults = (): void => undefined;

export const EXTENDED_RESOURCES: readonly ResourceDefinition[] = [
  {
    resource: 'configmaps',
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    singularName: 'configmap',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['cm'],
    subresources: [],
    fieldSelectors: META_FIELDS,
    hasStatus: false,
    tracksGeneration: false,
    validate: validateConfigMap,
    applyDefaults: noDefaults,
  },
  {
    resource: 'secrets',
    kind: 'Secret',
    listKind: 'SecretList',
    singularName: 'secret',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    subresources: [],
    fieldSelectors: [...META_FIELDS, 'type'],
    hasStatus: false,
    tracksGeneration: false,
    validate: validateSecret,
    applyDefaults: (obj: KubeObject) => defaultSecret(obj as Secret),
  },
  {
    resource: 'statefulsets',
    kind: 'StatefulSet',
    listKind: 'StatefulSetList',
    singularName: 'statefulset',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [scale, status('StatefulSet')],
    fieldSelectors: META_FIELDS,
    hasStatus: true,
    tracksGeneration: true,
    validate: validateStatefulSet,
    applyDefaults: (obj: KubeObject) => defaultStatefulSet(obj as StatefulSet),
  },
  {
    resource: 'daemonsets',
    kind: 'DaemonSet',
    listKind: 'DaemonSetList',
    singularName: 'daemonset',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: [status('DaemonSet')],
    fieldSelectors: META_FIELDS,
    hasStatus: true,
    tracksGeneration: true,
    validate: validateDaemonSet,
    applyDefaults: (obj: KubeObject) => defaultDaemonSet(obj as DaemonSet),
  },
  {
    resource: 'controllerrevisions',
    kind: 'ControllerRevision',
    listKind: 'ControllerRevisionList',
    singularName: 'controllerrevision',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    subresources: [],
    fieldSelectors: META_FIELDS,
    hasStatus: false,
    tracksGeneration: false,
    validate: validateControllerRevision,
    applyDefaults: noDefaults,
  },
  {
    // The Argo Rollouts CRD: status and scale subresources as its install.yaml declares them.
    resource: 'rollouts',
    kind: 'Rollout',
    listKind: 'RolloutList',
    singularName: 'rollout',
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespaced: true,
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    shortNames: ['ro'],
    subresources: [{ ...scale }, status('Rollout')],
    fieldSelectors: META_FIELDS,
    hasStatus: true,
    tracksGeneration: true,
    validate: validateRollout,
    applyDefaults: noDefaults,
  },
  {
    resource: 'httproutes',
    kind: 'HTTPRoute',
    listKind: 'HTTPRouteList',
    singularName: 'httproute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    namespaced: true,
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    categories: ['gateway-api'],
    subresources: [status('HTTPRoute')],
    fieldSelectors: META_FIELDS,
    hasStatus: true,
    tracksGeneration: true,
    validate: validateHttpRoute,
    applyDefaults: (obj: KubeObject) => {
      // The Gateway API CRD defaults: backendRef kind Service, weight 1.
      const rules = (obj['spec'] as { rules?: Array<{ backendRefs?: Array<Record<string, unknown>> }> } | undefined)?.rules ?? [];
      for (const rule of rules)
        for (const ref of rule.backendRefs ?? []) {
          ref['kind'] ??= 'Service';
          ref['group'] ??= '';
          ref['weight'] ??= 1;
        }
    },
  },
];
