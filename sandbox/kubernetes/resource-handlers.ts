import { ApiError, badRequest, conflict, invalid, notFound, type StatusCause } from './api-error.js';
import { applyPatch } from './apply-patch.js';
import { matchesFields, parseFieldSelector } from './field-selector.js';
import { deepClone, deepEqual, isPlainObject } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { KubeObject, ResourceName } from './kube-types.js';
import { matchesRequirements, parseLabelSelector } from './label-selector.js';
import { resourceRef, type ObjectStore } from './object-store.js';
import { nameSuffix } from './pod-template-hash.js';
import { apiVersionOf, RESOURCES, type ResourceDefinition } from './resource-registry.js';

export interface HandlerHooks {
  now(): number;
  /** Called after every persisted write, so the controller reacts without waiting a full tick. */
  onWrite(resource: ResourceName): void;
}

const SELECTOR_IMMUTABLE = new Set<ResourceName>(['deployments', 'replicasets', 'statefulsets', 'daemonsets']);

/** ConfigMaps and Secrets marked `immutable`, and every ControllerRevision, keep their data. */
function immutableDataCauses(resource: ResourceName, obj: KubeObject, existing: KubeObject): StatusCause[] {
  if (resource === 'controllerrevisions' && !deepEqual(obj['data'], existing['data'])) {
    return [{ field: 'data', reason: 'FieldValueInvalid', message: 'Invalid value: "<data>": field is immutable' }];
  }
  if ((resource === 'configmaps' || resource === 'secrets') && existing['immutable'] === true) {
    const changed = ['data', 'binaryData', 'stringData'].filter((k) => obj[k] !== undefined && !deepEqual(obj[k], existing[k]));
    if (changed.length > 0 || obj['immutable'] !== true) {
      return [{ field: changed[0] ?? 'immutable', reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set' }];
    }
  }
  return [];
}

/** `?dryRun=All` is the only value the API accepts; anything else is refused, not ignored. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  if (values.length === 0) return false;
  if (values.every((v) => v === 'All')) return true;
  throw badRequest(`Invalid dry run value: ${values.filter((v) => v !== 'All').join(', ')}; supported values: "All"`);
}

function checkTypeMeta(def: ResourceDefinition, obj: KubeObject): void {
  const apiVersion = apiVersionOf(def);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`);
  }
  obj.apiVersion = apiVersion;
  obj.kind = def.kind;
}

function asObject(def: ResourceDefinition, body: unknown): KubeObject {
  if (!isPlainObject(body)) throw badRequest(`the body of the request is not a ${def.kind} object`);
  const obj = deepClone(body) as KubeObject;
  if (!isPlainObject(obj.metadata)) obj.metadata = { name: '' };
  checkTypeMeta(def, obj);
  return obj;
}

/** CRUD for every emulated resource, with the API server's admission rules. */
export class ResourceHandlers {
  private clusterIpCounter = 10;
  private nameCounter = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly hooks: HandlerHooks,
  ) {}

  list(def: ResourceDefinition, namespace: string | undefined, query: URLSearchParams): Record<string, unknown> {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'), def.fieldSelectors);
    const items = this.store
      .list(def.resource, namespace)
      .filter((o) => matchesRequirements(o.metadata.labels, labels) && matchesFields(o, fields))
      // Items of a typed list carry no apiVersion/kind on the wire.
      .map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    return { kind: def.listKind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: this.store.resourceVersion }, items };
  }

  get(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(def.resource, namespace, name);
    if (!obj) throw notFound(resourceRef(def.resource), name);
    return obj;
  }

  create(def: ResourceDefinition, namespace: string | undefined, body: unknown, query: URLSearchParams): KubeObject {
    const dryRun = isDryRun(query);
    const obj = asObject(def, body);
    const meta = obj.metadata;
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
      if (namespace && !this.store.peek('namespaces', undefined, namespace)) throw notFound(resourceRef('namespaces'), namespace);
    } else {
      delete meta.namespace;
    }
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
      meta.name = `${meta.generateName}${nameSuffix(`${meta.generateName}/${this.nameCounter++}/${this.hooks.now()}`)}`;
    }
    for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation'] as const) delete meta[key];
    this.resetStatus(def, obj);
    this.admit(def, obj, undefined);
    if (def.tracksGeneration) meta.generation = 1;
    if (def.resource === 'services' && isPlainObject(obj['spec']) && !obj['spec']['clusterIP']) {
      const n = this.clusterIpCounter++;
      obj['spec']['clusterIP'] = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      obj['spec']['clusterIPs'] = [obj['spec']['clusterIP']];
    }
    const created = this.store.create(def.resource, obj, { dryRun });
    if (!dryRun) this.hooks.onWrite(def.resource);
    return created;
  }

  replace(def: ResourceDefinition, namespace: string | undefined, name: string, body: unknown, query: URLSearchParams): KubeObject {
    const dryRun = isDryRun(query);
    const existing = this.get(def, namespace, name);
    const obj = asObject(def, body);
    return this.commitUpdate(def, namespace, name, obj, existing, dryRun);
  }

  patch(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    query: URLSearchParams,
  ): KubeObject {
    const dryRun = isDryRun(query);
    const existing = this.get(def, namespace, name);
    const patched = applyPatch(contentType, existing, body);
    const obj = asObject(def, patched);
    return this.commitUpdate(def, namespace, name, obj, existing, dryRun);
  }

  /** PUT or PATCH on `/status`: only the status of the submitted object is taken. */
  writeStatus(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    contentType: string | undefined,
    body: unknown,
    query: URLSearchParams,
  ): KubeObject {
    const dryRun = isDryRun(query);
    const existing = this.get(def, namespace, name);
    const submitted = asObject(def, contentType === undefined ? body : applyPatch(contentType, existing, body));
    const next = deepClone(existing);
    next['status'] = submitted['status'];
    const expected = submitted.metadata.resourceVersion || undefined;
    const updated = this.store.update(def.resource, next, { expectedResourceVersion: expected, dryRun });
    if (!dryRun) this.hooks.onWrite(def.resource);
    return updated;
  }

  delete(def: ResourceDefinition, namespace: string | undefined, name: string, query: URLSearchParams, body: unknown): unknown {
    const dryRun = isDryRun(query);
    const existing = this.get(def, namespace, name);
    const options = isPlainObject(body) ? body : {};
    const preconditions = isPlainObject(options['preconditions']) ? options['preconditions'] : {};
    const expectedRv = typeof preconditions['resourceVersion'] === 'string' ? preconditions['resourceVersion'] : undefined;
    if (typeof preconditions['uid'] === 'string' && preconditions['uid'] !== existing.metadata.uid) throw conflict(resourceRef(def.resource), name);
    const grace = Number(query.get('gracePeriodSeconds') ?? options['gracePeriodSeconds'] ?? 30);
    const propagation = query.get('propagationPolicy') ?? options['propagationPolicy'];

    // Pods terminate gracefully: they are marked and the emulated kubelet removes them shortly.
    if (def.resource === 'pods' && grace > 0) {
      if (existing.metadata.deletionTimestamp) return existing;
      const marked = deepClone(existing);
      marked.metadata.deletionTimestamp = kubeTime(this.hooks.now() + grace * 1000);
      marked.metadata.deletionGracePeriodSeconds = grace;
      const updated = this.store.update('pods', marked, { expectedResourceVersion: expectedRv, dryRun });
      if (!dryRun) this.hooks.onWrite('pods');
      return updated;
    }
    if (!dryRun) {
      if (propagation === 'Orphan') this.orphanDependents(existing);
      if (def.resource === 'namespaces') this.deleteNamespaceContents(name);
    }
    this.store.delete(def.resource, namespace, name, { expectedResourceVersion: expectedRv, dryRun });
    if (!dryRun) this.hooks.onWrite(def.resource);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: def.group, kind: def.resource, uid: existing.metadata.uid },
    };
  }

  private commitUpdate(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    existing: KubeObject,
    dryRun: boolean,
  ): KubeObject {
    if (obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`);
    }
    if (def.namespaced) {
      if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace;
    }
    if (obj.metadata.uid !== undefined && obj.metadata.uid !== existing.metadata.uid) {
      throw new ApiError(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    this.admit(def, obj, existing);
    // Only the /status subresource (and the controllers) change status.
    if (def.hasStatus) {
      if (existing['status'] === undefined) delete obj['status'];
      else obj['status'] = deepClone(existing['status']);
    }
    obj.metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
    if (def.tracksGeneration) {
      const generation = existing.metadata.generation ?? 1;
      obj.metadata.generation = deepEqual(obj['spec'], existing['spec']) ? generation : generation + 1;
    }
    const expected = obj.metadata.resourceVersion || undefined;
    const updated = this.store.update(def.resource, obj, { expectedResourceVersion: expected, dryRun });
    if (!dryRun) this.hooks.onWrite(def.resource);
    return updated;
  }

  /** Validation then defaulting, as admission does; `existing` adds the immutability rules. */
  private admit(def: ResourceDefinition, obj: KubeObject, existing: KubeObject | undefined): void {
    const causes: StatusCause[] = def.validate(obj);
    const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
    const oldSpec = existing && isPlainObject(existing['spec']) ? existing['spec'] : {};
    if (existing && SELECTOR_IMMUTABLE.has(def.resource) && !deepEqual(spec['selector'], oldSpec['selector'])) {
      causes.push({ field: 'spec.selector', message: `Invalid value: ${JSON.stringify(spec['selector'])}: field is immutable` });
    }
    if (existing) causes.push(...immutableDataCauses(def.resource, obj, existing));
    if (existing && def.resource === 'services') {
      if (spec['clusterIP'] === undefined) {
        spec['clusterIP'] = oldSpec['clusterIP'];
        spec['clusterIPs'] = oldSpec['clusterIPs'];
      } else if (spec['clusterIP'] !== oldSpec['clusterIP']) {
        causes.push({ field: 'spec.clusterIPs[0]', message: `Invalid value: ${JSON.stringify(spec['clusterIP'])}: may not change once set` });
      }
    }
    if (causes.length > 0) throw invalid(def.kind, def.group, String(obj.metadata.name ?? ''), causes);
    def.applyDefaults(obj);
  }

  private resetStatus(def: ResourceDefinition, obj: KubeObject): void {
    if (!def.hasStatus) return;
    if (def.resource === 'pods') obj['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
    else if (def.resource === 'services') obj['status'] = { loadBalancer: {} };
    else if (def.resource === 'namespaces') obj['status'] = { phase: 'Active' };
    else delete obj['status'];
  }

  private orphanDependents(owner: KubeObject): void {
    for (const def of RESOURCES) {
      if (!def.namespaced) continue;
      for (const obj of this.store.list(def.resource, owner.metadata.namespace)) {
        const refs = obj.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === owner.metadata.uid)) continue;
        obj.metadata.ownerReferences = refs.filter((r) => r.uid !== owner.metadata.uid);
        this.store.update(def.resource, obj);
      }
    }
  }

  private deleteNamespaceContents(namespace: string): void {
    for (const def of RESOURCES) {
      if (!def.namespaced) continue;
      for (const obj of this.store.list(def.resource, namespace)) this.store.delete(def.resource, namespace, obj.metadata.name);
    }
  }
}
