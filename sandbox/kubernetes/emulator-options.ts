import type { KubeObject, ResourceName, WatchEventType } from './kube-types.js';

export interface KubernetesEmulatorOptions {
  /** Bearer token required on every request (default 'emulator-token'). */
  token?: string;
  /** Accept requests without an Authorization header (kubectl sends none over plain http). */
  allowAnonymous?: boolean;
  /** Controller step period in ms (default 25). */
  tickMs?: number;
  /** Time from pod creation to Running and Ready for a healthy image, in ms (default 100). */
  podStartMs?: number;
  /** Changes kept for watch resumption; older resourceVersions get 410 Gone (default 5000). */
  watchHistoryLimit?: number;
  /** Event objects kept (default 1000). */
  eventLimit?: number;
  /** Recorded requests kept, oldest dropped first (default 10000). */
  requestLogLimit?: number;
  /** BOOKMARK period on watches that allow bookmarks (default 10000 ms). */
  bookmarkIntervalMs?: number;
}

export interface ClusterChange {
  type: WatchEventType;
  resource: ResourceName;
  kind: string;
  object: KubeObject;
}
