import { conflict, invalid } from './api-error.js';
import { applyPatch } from './apply-patch.js';
import { deepClone, isPlainObject } from './json-value.js';
import type { Deployment, ReplicaSet } from './kube-types.js';
import { labelSelectorToString } from './label-selector.js';
import { resourceRef, type ObjectStore } from './object-store.js';
import { isDryRun, type HandlerHooks, type ResourceHandlers } from './resource-handlers.js';
import type { ResourceDefinition } from './resource-registry.js';

type Scalable = Deployment | ReplicaSet;

export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

export function toScale(obj: Scalable): Scale {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: labelSelectorToString(obj.spec.selector) },
  };
}

/** The `/scale` subresource: replicas only, so scaling never creates a new revision. */
export class ScaleSubresource {
  constructor(
    private readonly store: ObjectStore,
    private readonly handlers: ResourceHandlers,
    private readonly hooks: HandlerHooks,
  ) {}

  get(def: ResourceDefinition, namespace: string | undefined, name: string): Scale {
    return toScale(this.handlers.get(def, namespace, name) as Scalable);
  }

  /** PUT (contentType undefined) or PATCH of a Scale. */
  update(
    def: ResourceDefinition,
    namespace: string | undefined,
    name: string,
    contentType: string | undefined,
    body: unknown,
    query: URLSearchParams,
  ): Scale {
    const dryRun = isDryRun(query);
    const existing = this.handlers.get(def, namespace, name) as Scalable;
    const current = toScale(existing);
    const submitted = contentType === undefined ? body : applyPatch(contentType, current, body);
    const spec = isPlainObject(submitted) && isPlainObject(submitted['spec']) ? submitted['spec'] : {};
    const replicas = spec['replicas'];
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, [
        { field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` },
      ]);
    }
    const meta = isPlainObject(submitted) && isPlainObject(submitted['metadata']) ? submitted['metadata'] : {};
    const expected = typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] ? meta['resourceVersion'] : undefined;
    if (expected !== undefined && expected !== existing.metadata.resourceVersion) throw conflict(resourceRef(def.resource), name);
    const next = deepClone(existing);
    if (next.spec.replicas !== replicas) {
      next.spec.replicas = replicas;
      next.metadata.generation = (next.metadata.generation ?? 1) + 1;
    }
    const updated = this.store.update(def.resource, next, { dryRun, expectedResourceVersion: existing.metadata.resourceVersion });
    if (!dryRun) this.hooks.onWrite(def.resource);
    return toScale(updated);
  }
}
