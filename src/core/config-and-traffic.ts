// Plain data of issue 17's strategies: what a deployment's configuration was (and is), and the
// splits of a gradual traffic shift. Re-exported by model.ts, which keeps the vocabulary in one place.

/**
 * ConfigMaps the pod templates referenced (their data, up to the catalog's size limit) and a hash of
 * each referenced Secret's data: Secrets themselves are never stored.
 */
export interface ConfigSnapshot {
  takenAt: string;
  configMaps: Record<string, Record<string, string>>;
  /** Referenced but not kept, with why (larger than configSnapshot.maxBytes, missing, not readable). */
  skipped?: Array<{ name: string; why: string }>;
  /** sha256 (hex) of each referenced Secret's data; 'missing' when it did not exist, 'unreadable' when RBAC did not let the bot read it. */
  secrets: Record<string, string>;
}

/** The configuration a service's pods reference now: ConfigMap data (with resourceVersion, the restore's precondition) and Secret hashes. */
export interface ConfigState {
  configMaps: Record<string, { data: Record<string, string>; resourceVersion: string }>;
  secrets: Record<string, string>;
}

/** One point of a gradual shift: replicas (replica ratio) or backend weights (HTTPRoute) per side. */
export interface GradualSplit {
  percent: number;
  from: number;
  to: number;
}

export interface GradualRoute {
  name: string;
  rule: number;
  /** The backend Service of each side. */
  fromBackend: string;
  toBackend: string;
}
