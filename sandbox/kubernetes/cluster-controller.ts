import type { DaemonSetController } from './daemonset-controller.js';
import type { DeploymentController } from './deployment-controller.js';
import type { HttpRouteController } from './httproute-controller.js';
import type { KubeObject, Pod, ResourceName } from './kube-types.js';
import { kubeTime } from './kube-time.js';
import type { ObjectStore } from './object-store.js';
import { controllerOf } from './owner-references.js';
import type { PodKubelet } from './pod-kubelet.js';
import type { ReplicaSetController } from './replica-set-controller.js';
import type { RolloutController } from './rollout-controller.js';
import type { StatefulSetController } from './statefulset-controller.js';

export interface ClusterControllerParts {
  store: ObjectStore;
  deployments: DeploymentController;
  replicaSets: ReplicaSetController;
  statefulSets: StatefulSetController;
  daemonSets: DaemonSetController;
  rollouts: RolloutController;
  httpRoutes: HttpRouteController;
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
      this.parts.rollouts.syncAll(now);
      this.parts.statefulSets.syncAll(now);
      this.parts.daemonSets.syncAll(now);
      this.parts.httpRoutes.syncAll(now);
      // A second pass creates the pods of sets the deployment controller just scaled.
      this.parts.replicaSets.syncAll(now);
    } catch (err) {
      this.lastError = err instanceof Error ? err : new Error(String(err));
    } finally {
      this.ticking = false;
    }
  }

  /** Background cascading deletion: whatever a controller owned once that controller is gone. */
  private collectGarbage(now: number): void {
    const { store } = this.parts;
    const uids = (resource: ResourceName) => new Set(store.scan(resource).map((o) => o.metadata.uid));
    const owners = new Map<string, Set<string | undefined>>([
      ['Deployment', uids('deployments')],
      ['Rollout', uids('rollouts')],
      ['StatefulSet', uids('statefulsets')],
      ['DaemonSet', uids('daemonsets')],
    ]);
    const orphaned = (obj: KubeObject) => {
      const owner = controllerOf(obj);
      const live = owner ? owners.get(owner.kind) : undefined;
      return owner !== undefined && live !== undefined && !live.has(owner.uid);
    };
    for (const resource of ['replicasets', 'controllerrevisions'] as const) {
      for (const obj of store.scan(resource)) if (orphaned(obj)) store.delete(resource, obj.metadata.namespace, obj.metadata.name);
    }
    owners.set('ReplicaSet', uids('replicasets'));
    for (const pod of store.scan<Pod>('pods')) {
      if (pod.metadata.deletionTimestamp || !orphaned(pod)) continue;
      store.update('pods', { ...pod, metadata: { ...pod.metadata, deletionTimestamp: kubeTime(now), deletionGracePeriodSeconds: 0 } });
    }
  }
}
