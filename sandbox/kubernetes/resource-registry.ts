import type { StatusCause } from './api-error.js';
import type { JsonObject } from './json-value.js';
import type { Deployment, KubeObject, ReplicaSet, ResourceName, Service } from './kube-types.js';
import { defaultDeployment, defaultPodSpec, defaultReplicaSet, defaultService } from './object-defaults.js';
import { validateEvent, validateName, validatePodSpec, validateService, validateWorkload } from './object-validation.js';
import { EXTENDED_RESOURCES } from './extended-resources.js';

export interface SubresourceDefinition {
  name: 'scale' | 'status' | 'log';
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceDefinition {
  resource: ResourceName;
  kind: string;
  listKind: string;
  singularName: string;
  group: string;
  version: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources: SubresourceDefinition[];
  /** Field selectors the real server accepts for this resource (others are 400). */
  fieldSelectors: string[];
  /** Writes to the main resource keep the stored status; only /status changes it. */
  hasStatus: boolean;
  /** metadata.generation counts spec changes (Deployments, ReplicaSets, StatefulSets, custom resources…). */
  tracksGeneration: boolean;
  validate(obj: JsonObject): StatusCause[];
  applyDefaults(obj: KubeObject): void;
}

export function apiVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

const READ_WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS: SubresourceDefinition = { name: 'status', kind: '', verbs: ['get', 'patch', 'update'] };
const META_FIELDS = ['metadata.name', 'metadata.namespace'];

function nameCauses(obj: JsonObject, label: boolean): StatusCause[] {
  const meta = obj['metadata'];
  return validateName(meta && typeof meta === 'object' ? (meta as JsonObject)['name'] : undefined, 'metadata.name', label);
}

const CORE_RESOURCES: readonly ResourceDefinition[] = [
  {
    resource: 'namespaces',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    singularName: 'namespace',
    group: '',
    version: 'v1',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    subresources: [{ ...STATUS, kind: 'Namespace' }],
    fieldSelectors: [...META_FIELDS, 'status.phase'],
    hasStatus: true,
    tracksGeneration: false,
    validate: (obj) => nameCauses(obj, true),
    applyDefaults: (obj) => {
      obj['spec'] ??= { finalizers: ['kubernetes'] };
      obj['status'] ??= { phase: 'Active' };
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
    },
  },
  {
    resource: 'pods',
    kind: 'Pod',
    listKind: 'PodList',
    singularName: 'pod',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { ...STATUS, kind: 'Pod' },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
    ],
    fieldSelectors: [
      ...META_FIELDS,
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
    hasStatus: true,
    tracksGeneration: false,
    validate: (obj) => [...nameCauses(obj, false), ...validatePodSpec(obj['spec'], 'spec')],
    applyDefaults: (obj) => defaultPodSpec((obj as unknown as { spec: Parameters<typeof defaultPodSpec>[0] }).spec),
  },
  {
    resource: 'services',
    kind: 'Service',
    listKind: 'ServiceList',
    singularName: 'service',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [{ ...STATUS, kind: 'Service' }],
    fieldSelectors: [...META_FIELDS, 'spec.clusterIP', 'spec.type'],
    hasStatus: true,
    tracksGeneration: false,
    validate: (obj) => [...nameCauses(obj, true), ...validateService(obj)],
    applyDefaults: (obj) => defaultService(obj as Service),
  },
  {
    resource: 'events',
    kind: 'Event',
    listKind: 'EventList',
    singularName: 'event',
    group: '',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['ev'],
    subresources: [],
    fieldSelectors: [
      ...META_FIELDS,
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
    hasStatus: false,
    tracksGeneration: false,
    validate: (obj) => [...nameCauses(obj, false), ...validateEvent(obj)],
    applyDefaults: () => undefined,
  },
  {
    resource: 'deployments',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    singularName: 'deployment',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { ...STATUS, kind: 'Deployment' },
    ],
    fieldSelectors: META_FIELDS,
    hasStatus: true,
    tracksGeneration: true,
    validate: (obj) => [...nameCauses(obj, false), ...validateWorkload(obj, 'Deployment')],
    applyDefaults: (obj) => defaultDeployment(obj as Deployment),
  },
  {
    resource: 'replicasets',
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    singularName: 'replicaset',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    verbs: READ_WRITE,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { ...STATUS, kind: 'ReplicaSet' },
    ],
    fieldSelectors: [...META_FIELDS, 'status.replicas'],
    hasStatus: true,
    tracksGeneration: true,
    validate: (obj) => [...nameCauses(obj, false), ...validateWorkload(obj, 'ReplicaSet')],
    applyDefaults: (obj) => defaultReplicaSet(obj as ReplicaSet),
  },
];

export const RESOURCES: readonly ResourceDefinition[] = [...CORE_RESOURCES, ...EXTENDED_RESOURCES];

export function findResource(group: string, resource: string): ResourceDefinition | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource);
}

export function definitionOf(resource: ResourceName): ResourceDefinition {
  const def = RESOURCES.find((r) => r.resource === resource);
  if (!def) throw new Error(`unknown resource ${resource}`);
  return def;
}
