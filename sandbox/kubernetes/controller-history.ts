import { deepClone, deepEqual, isPlainObject } from './json-value.js';
import type { KubeObject, Pod, PodTemplateSpec } from './kube-types.js';
import type { ObjectStore } from './object-store.js';
import { controllerOf, controllerRefTo } from './owner-references.js';
import { textHash } from './pod-template-hash.js';
import type { ControllerRevision } from './workload-types.js';

/**
 * ControllerRevisions, the history of StatefulSets and DaemonSets (k8s.io/kubernetes
 * pkg/controller/history). A revision's data is the patch `kubectl rollout undo` applies:
 * `{"spec":{"template":{…,"$patch":"replace"}}}`. A template seen before gets its old revision
 * object back with the next number, so `rollout history` lists each template once.
 */

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

interface Parent extends KubeObject {
  spec: { template: PodTemplateSpec; revisionHistoryLimit?: number; [key: string]: unknown };
  status?: { collisionCount?: number; [key: string]: unknown };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

/** getPatch of both controllers; keys sorted as Go's encoding/json sorts map keys. */
export function revisionData(template: PodTemplateSpec): unknown {
  // The controllers encode a typed template, whose metadata always carries creationTimestamp: null;
  // kubectl compares these bytes with its own encoding to skip a no-op undo.
  const typed = { ...deepClone(template), metadata: { creationTimestamp: null, ...template.metadata } };
  return sortKeys({ spec: { template: { ...typed, $patch: 'replace' } } });
}

/** The pod template a revision restores. */
export function templateOfRevision(cr: ControllerRevision): PodTemplateSpec | undefined {
  const template = isPlainObject(cr.data) && isPlainObject(cr.data['spec']) ? cr.data['spec']['template'] : undefined;
  if (!isPlainObject(template)) return undefined;
  const { $patch: _ignored, ...rest } = template;
  return rest as unknown as PodTemplateSpec;
}

export function ownedRevisions(store: ObjectStore, parent: KubeObject): ControllerRevision[] {
  return store
    .scan<ControllerRevision>('controllerrevisions', parent.metadata.namespace)
    .filter((cr) => controllerOf(cr)?.uid === parent.metadata.uid)
    .sort((a, b) => a.revision - b.revision);
}

export interface RevisionOptions {
  /** Labels put on the revision (the template's, plus the hash label). */
  labels: Record<string, string>;
  /** The StatefulSet controller copies the set's annotations (change-cause) onto new revisions. */
  annotations?: Record<string, string>;
}

/**
 * The revision of the parent's current template: an equal one renumbered to the newest if
 * needed, or a new one. Returns it and the collision count the parent's status should hold.
 */
export function ensureRevision(store: ObjectStore, parent: Parent, opts: RevisionOptions): { revision: ControllerRevision; collisionCount: number } {
  const data = revisionData(parent.spec.template);
  const history = ownedRevisions(store, parent);
  const max = history.reduce((m, cr) => Math.max(m, cr.revision), 0);
  const equal = history.filter((cr) => deepEqual(cr.data, data));
  let collisionCount = parent.status?.collisionCount ?? 0;
  const existing = equal[equal.length - 1];
  if (existing) {
    if (existing.revision === max) return { revision: existing, collisionCount };
    return { revision: store.update('controllerrevisions', { ...existing, revision: max + 1 }), collisionCount };
  }
  const text = JSON.stringify(data);
  let hash = textHash(text, collisionCount);
  while (store.peek('controllerrevisions', parent.metadata.namespace, `${parent.metadata.name}-${hash}`)) {
    collisionCount += 1;
    hash = textHash(text, collisionCount);
  }
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${parent.metadata.name}-${hash}`,
      namespace: parent.metadata.namespace,
      labels: { ...opts.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ...(opts.annotations && Object.keys(opts.annotations).length > 0 ? { annotations: { ...opts.annotations } } : {}),
      ownerReferences: [controllerRefTo(parent)],
    },
    data,
    revision: max + 1,
  };
  return { revision: store.create('controllerrevisions', cr), collisionCount };
}

/** The hash part of a revision's name (what DaemonSet pods carry in their label). */
export function revisionHash(cr: ControllerRevision): string {
  return cr.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? cr.metadata.name.slice(cr.metadata.name.lastIndexOf('-') + 1);
}

/** Truncates history to revisionHistoryLimit, never deleting a revision that live pods or `keep` still use. */
export function truncateHistory(
  store: ObjectStore,
  parent: Parent,
  pods: Pod[],
  keep: Set<string>,
  podRevision: (pod: Pod) => string | undefined,
): void {
  const limit = parent.spec.revisionHistoryLimit ?? 10;
  const live = new Set(pods.map(podRevision));
  const candidates = ownedRevisions(store, parent).filter(
    (cr) => !keep.has(cr.metadata.name) && !live.has(cr.metadata.name) && !live.has(revisionHash(cr)),
  );
  for (const cr of candidates.slice(0, Math.max(0, candidates.length - limit)))
    store.delete('controllerrevisions', cr.metadata.namespace, cr.metadata.name);
}
