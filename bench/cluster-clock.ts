// When things happened in the emulated cluster, seen from inside the API server: a Deployment's spec
// written (its generation moved) and its rollout complete (by `kubectl rollout status` rules). These
// are the moments the bot's latencies are measured against.
import type { Deployment, KubernetesEmulator } from '../sandbox/kubernetes/kubernetes-emulator.js';

export interface ClusterMoment {
  deployment: string;
  kind: 'written' | 'complete';
  /** Wall clock (ms since the epoch): comparable with the bot's own timestamps. */
  at: number;
  /** Monotonic clock of this process: comparable with the benchmark's other measurements. */
  perf: number;
}

export class ClusterClock {
  readonly moments: ClusterMoment[] = [];
  private readonly generations = new Map<string, number>();
  private readonly rolling = new Set<string>();
  private readonly stop: () => void;

  constructor(k8s: KubernetesEmulator) {
    for (const d of k8s.listDeployments()) this.generations.set(key(d), d.metadata.generation ?? 0);
    this.stop = k8s.onChange((change) => {
      if (change.resource !== 'deployments' || change.type === 'DELETED') return;
      const d = change.object as Deployment;
      const k = key(d);
      const generation = d.metadata.generation ?? 0;
      if (generation > (this.generations.get(k) ?? generation)) {
        this.moments.push({ deployment: d.metadata.name, kind: 'written', at: Date.now(), perf: performance.now() });
        this.rolling.add(k);
      }
      this.generations.set(k, generation);
      if (this.rolling.has(k) && isComplete(d)) {
        this.rolling.delete(k);
        this.moments.push({ deployment: d.metadata.name, kind: 'complete', at: Date.now(), perf: performance.now() });
      }
    });
  }

  /** The first moment of this kind (and deployment) after `sincePerf`. */
  first(kind: ClusterMoment['kind'], sincePerf: number, deployment?: string): ClusterMoment | undefined {
    return this.moments.find((m) => m.kind === kind && m.perf >= sincePerf && (deployment === undefined || m.deployment === deployment));
  }

  close(): void {
    this.stop();
  }
}

function key(d: Deployment): string {
  return `${d.metadata.namespace}/${d.metadata.name}`;
}

/** Complete as `kubectl rollout status` judges it (and as the bot's rolloutState does). */
export function isComplete(d: Deployment): boolean {
  const s = d.status ?? {};
  const desired = d.spec.replicas ?? 1;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === desired &&
    (s.replicas ?? 0) === desired &&
    (s.availableReplicas ?? 0) === desired
  );
}
