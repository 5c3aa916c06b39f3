import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound, type ResourceRef } from './api-error.js';
import { deepClone, deepEqual } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { KubeObject, ResourceName, WatchEventType } from './kube-types.js';

export interface StoreChange {
  type: WatchEventType;
  resource: ResourceName;
  /** The stored object itself: shared with the store and later watchers, never mutate it. */
  object: KubeObject;
  /** The object before this change (MODIFIED, DELETED): lets a filtered watch see it leave its selection. */
  previous?: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (change: StoreChange) => void;

export interface WriteOptions {
  dryRun?: boolean;
  /** Optimistic concurrency: the write fails with 409 unless this is the current resourceVersion. */
  expectedResourceVersion?: string;
}

const GROUPS: Record<ResourceName, string> = {
  namespaces: '',
  pods: '',
  services: '',
  events: '',
  deployments: 'apps',
  replicasets: 'apps',
  configmaps: '',
  secrets: '',
  statefulsets: 'apps',
  daemonsets: 'apps',
  controllerrevisions: 'apps',
  rollouts: 'argoproj.io',
  httproutes: 'gateway.networking.k8s.io',
};

export function resourceRef(resource: ResourceName): ResourceRef {
  return { resource, group: GROUPS[resource] };
}

/**
 * Writes return the stored object itself (read-only for callers); `get`/`list` return copies.
 *
 * etcd stand-in: one global resourceVersion counter, objects replaced (never mutated) on write,
 * and a bounded change history so watches can resume from a resourceVersion.
 */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly history: StoreChange[] = [];
  /** Highest resourceVersion dropped from history: resuming from below it is 410 Gone. */
  private droppedThrough = 0;
  private readonly listeners = new Set<StoreListener>();

  constructor(
    private readonly historyLimit = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  get oldestResumableVersion(): number {
    return this.droppedThrough;
  }

  private bucket(resource: ResourceName): Map<string, KubeObject> {
    let map = this.objects.get(resource);
    if (!map) {
      map = new Map();
      this.objects.set(resource, map);
    }
    return map;
  }

  private static key(namespace: string | undefined, name: string): string {
    return namespace ? `${namespace}/${name}` : name;
  }

  get<T extends KubeObject = KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): T | undefined {
    const found = this.bucket(resource).get(ObjectStore.key(namespace, name));
    return found ? (deepClone(found) as T) : undefined;
  }

  /** The stored object itself, for read-only use inside the emulator (no copy). */
  peek<T extends KubeObject = KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): T | undefined {
    return this.bucket(resource).get(ObjectStore.key(namespace, name)) as T | undefined;
  }

  /** Stored objects, unsorted and uncopied: the controllers' hot path. Never mutate them. */
  scan<T extends KubeObject = KubeObject>(resource: ResourceName, namespace?: string): T[] {
    const out: T[] = [];
    for (const obj of this.bucket(resource).values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(obj as T);
    }
    return out;
  }

  /** Sorted by namespace then name, as etcd's key order makes a real list. */
  list<T extends KubeObject = KubeObject>(resource: ResourceName, namespace?: string): T[] {
    const out: T[] = [];
    const keys = [...this.bucket(resource).keys()].sort();
    for (const key of keys) {
      const obj = this.bucket(resource).get(key);
      if (obj && (namespace === undefined || obj.metadata.namespace === namespace)) out.push(deepClone(obj) as T);
    }
    return out;
  }

  count(resource: ResourceName): number {
    return this.bucket(resource).size;
  }

  create<T extends KubeObject>(resource: ResourceName, input: T, opts: WriteOptions = {}): T {
    const key = ObjectStore.key(input.metadata.namespace, input.metadata.name);
    if (this.bucket(resource).has(key)) throw alreadyExists(resourceRef(resource), input.metadata.name);
    const obj = deepClone(input);
    obj.metadata.uid ??= randomUUID();
    obj.metadata.creationTimestamp ??= kubeTime(this.now());
    if (opts.dryRun) {
      delete obj.metadata.resourceVersion;
      return obj;
    }
    obj.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(key, obj);
    this.record({ type: 'ADDED', resource, object: obj, resourceVersion: this.revision });
    return obj;
  }

  update<T extends KubeObject>(resource: ResourceName, input: T, opts: WriteOptions = {}): T {
    const key = ObjectStore.key(input.metadata.namespace, input.metadata.name);
    const existing = this.bucket(resource).get(key);
    if (!existing) throw notFound(resourceRef(resource), input.metadata.name);
    if (opts.expectedResourceVersion !== undefined && opts.expectedResourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(resourceRef(resource), input.metadata.name);
    }
    const candidate = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: existing.metadata.uid,
        creationTimestamp: existing.metadata.creationTimestamp,
        resourceVersion: existing.metadata.resourceVersion,
      },
    };
    if (opts.dryRun) return deepClone(candidate);
    // A write that changes nothing keeps its resourceVersion and wakes no watcher, as in etcd3.
    if (deepEqual(existing, candidate)) return existing as T;
    const obj = deepClone(candidate);
    obj.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(key, obj);
    this.record({ type: 'MODIFIED', resource, object: obj, previous: existing, resourceVersion: this.revision });
    return obj;
  }

  delete<T extends KubeObject = KubeObject>(resource: ResourceName, namespace: string | undefined, name: string, opts: WriteOptions = {}): T {
    const key = ObjectStore.key(namespace, name);
    const existing = this.bucket(resource).get(key);
    if (!existing) throw notFound(resourceRef(resource), name);
    if (opts.expectedResourceVersion !== undefined && opts.expectedResourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(resourceRef(resource), name);
    }
    if (opts.dryRun) return deepClone(existing) as T;
    this.bucket(resource).delete(key);
    const obj = deepClone(existing);
    obj.metadata.resourceVersion = String(++this.revision);
    this.record({ type: 'DELETED', resource, object: obj, previous: existing, resourceVersion: this.revision });
    return obj as T;
  }

  /** Changes after `resourceVersion`, or undefined when some were already dropped (410 Gone). */
  changesSince(resourceVersion: number): StoreChange[] | undefined {
    if (resourceVersion < this.droppedThrough) return undefined;
    return this.history.filter((c) => c.resourceVersion > resourceVersion);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(change: StoreChange): void {
    this.history.push(change);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped) this.droppedThrough = dropped.resourceVersion;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A failing observer (a test listener, a closed socket) must not break the write.
      }
    }
  }
}
