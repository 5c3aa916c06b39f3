import type { DeploymentController } from './deployment-controller.js';
import type { Deployment, Pod, ReplicaSet } from './kube-types.js';
import { kubeTime } from './kube-time.js';
import type { ObjectStore } from './object-store.js';
import { controllerOf } from './owner-references.js';
import type { PodKubelet } from './pod-kubelet.js';
import type { ReplicaSetController } from './replica-set-controller.js';

export interface ClusterControllerParts {
  store: ObjectStore;
  deployments: DeploymentController;
  replicaSets: ReplicaSetController;
  kubelet: PodKubelet;
  tickMs: number;
  now: () => number;
}

/**
 * Runs every control loop once per tick, in dependency order, on one timer. API writes
 * "kick" an early tick so a rollout starts within milliseconds, like watch-driven controllers.
 */
export class ClusterController {
  private timer: NodeJS.Timeout | undefined;
  private kickHandle: NodeJS.Immediate | undefined;
  private stopped = false;
  private ticking = false;
  /** The last exception a control loop threw; loops keep running, tests can assert it is unset. */
  lastError: Error | undefined;

  constructor(private readonly parts: ClusterControllerParts) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.parts.tickMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.kickHandle) clearImmediate(this.kickHandle);
    this.timer = undefined;
    this.kickHandle = undefined;
  }

  kick(): void {
    if (this.stopped || this.kickHandle) return;
    this.kickHandle = setImmediate(() => {
      this.kickHandle = undefined;
      this.tick();
    });
    this.kickHandle.unref();
  }

  tick(): void {
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    try {
      const now = this.parts.now();
      this.collectGarbage(now);
      this.parts.kubelet.step(now);
      this.parts.replicaSets.syncAll(now);
      this.parts.deployments.syncAll(now);
      // A second pass creates the pods of sets the deployment controller just scaled.
      this.parts.replicaSets.syncAll(now);
    } catch (err) {
      this.lastError = err instanceof Error ? err : new Error(String(err));
    } finally {
      this.ticking = false;
    }
  }

  /** Background cascading deletion: sets whose Deployment is gone, pods whose set is gone. */
  private collectGarbage(now: number): void {
    const { store } = this.parts;
    const deployments = new Set(store.scan<Deployment>('deployments').map((d) => d.metadata.uid));
    for (const rs of store.scan<ReplicaSet>('replicasets')) {
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment' && !deployments.has(owner.uid)) store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
    const sets = new Set(store.scan<ReplicaSet>('replicasets').map((rs) => rs.metadata.uid));
    for (const pod of store.scan<Pod>('pods')) {
      const owner = controllerOf(pod);
      if (owner?.kind !== 'ReplicaSet' || sets.has(owner.uid) || pod.metadata.deletionTimestamp) continue;
      store.update('pods', { ...pod, metadata: { ...pod.metadata, deletionTimestamp: kubeTime(now), deletionGracePeriodSeconds: 0 } });
    }
  }
}
