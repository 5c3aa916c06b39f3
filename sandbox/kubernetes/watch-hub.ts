import type { ServerResponse } from 'node:http';
import { gone } from './api-error.js';
import { matchesFields, type FieldTerm } from './field-selector.js';
import type { KubeObject, ResourceName } from './kube-types.js';
import { matchesRequirements, type Requirement } from './label-selector.js';
import type { ObjectStore, StoreChange } from './object-store.js';

export interface WatchSpec {
  resource: ResourceName;
  kind: string;
  apiVersion: string;
  namespace?: string;
  labels: Requirement[];
  fields: FieldTerm[];
  /** Undefined or "0": start with ADDED for every current object, as the real server does. */
  resourceVersion?: string;
  sendInitialEvents: boolean;
  /** `allowWatchBookmarks=true`: periodic BOOKMARK events keep an idle stream alive and resumable. */
  allowBookmarks: boolean;
  timeoutSeconds?: number;
}

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

// A watcher that stops reading is cut off, as the real server drops slow watchers.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Serves `?watch=true` as a chunked stream of newline-delimited JSON events. */
export class WatchHub {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly store: ObjectStore,
    private readonly bookmarkIntervalMs = 10_000,
  ) {}

  get openCount(): number {
    return this.open.size;
  }

  serve(res: ServerResponse, spec: WatchSpec): void {
    const matches = (obj: KubeObject | undefined): boolean =>
      obj !== undefined &&
      (spec.namespace === undefined || obj.metadata.namespace === spec.namespace) &&
      matchesRequirements(obj.metadata.labels, spec.labels) &&
      matchesFields(obj, spec.fields);

    const write = (type: WatchType, object: unknown): void => {
      if (res.writableEnded || res.destroyed) return;
      res.write(`${JSON.stringify({ type, object })}\n`);
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    };

    // Translates a store change into what a filtered watcher sees: objects entering the
    // selection are ADDED, objects leaving it are DELETED.
    const deliver = (change: StoreChange): void => {
      if (change.resource !== spec.resource) return;
      const now = matches(change.object);
      const before = matches(change.previous);
      if (change.type === 'ADDED' && now) write('ADDED', change.object);
      else if (change.type === 'DELETED' && (before || now)) write('DELETED', change.object);
      else if (change.type === 'MODIFIED') {
        if (now && before) write('MODIFIED', change.object);
        else if (now) write('ADDED', change.object);
        else if (before) write('DELETED', change.object);
      }
    };

    const rv = spec.resourceVersion;
    const fromNow = rv === undefined || rv === '' || rv === '0' || spec.sendInitialEvents;
    const replay = fromNow ? [] : this.store.changesSince(Number(rv));
    if (!fromNow && replay === undefined) {
      const status = gone(`too old resource version: ${rv} (${this.store.oldestResumableVersion})`).toStatus();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    this.open.add(res);

    if (fromNow) {
      for (const obj of this.store.list(spec.resource, spec.namespace)) {
        if (matches(obj)) write('ADDED', obj);
      }
      if (spec.sendInitialEvents) {
        write('BOOKMARK', {
          kind: spec.kind,
          apiVersion: spec.apiVersion,
          metadata: { resourceVersion: this.store.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } },
        });
      }
    } else {
      for (const change of replay ?? []) deliver(change);
    }

    const unsubscribe = this.store.subscribe(deliver);
    const timer =
      spec.timeoutSeconds !== undefined && spec.timeoutSeconds > 0 ? setTimeout(() => res.end(), spec.timeoutSeconds * 1000).unref() : undefined;
    // Changes are delivered synchronously, so the current resourceVersion is always safe to resume from.
    const bookmarks = spec.allowBookmarks
      ? setInterval(
          () => write('BOOKMARK', { kind: spec.kind, apiVersion: spec.apiVersion, metadata: { resourceVersion: this.store.resourceVersion } }),
          this.bookmarkIntervalMs,
        ).unref()
      : undefined;
    res.on('close', () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      if (bookmarks) clearInterval(bookmarks);
      this.open.delete(res);
    });
  }

  /** Ends every stream cleanly, as clients see it when an API server restarts. */
  dropAll(): void {
    for (const res of [...this.open]) res.end();
    this.open.clear();
  }

  destroyAll(): void {
    for (const res of [...this.open]) res.destroy();
    this.open.clear();
  }
}
