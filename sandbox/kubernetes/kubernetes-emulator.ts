import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiRouter, type RecordedRequest } from './api-router.js';
import { ClusterController } from './cluster-controller.js';
import { ClusterSeeder, type SeedDeploymentInput, type SeedServiceInput } from './cluster-seeder.js';
import { DaemonSetController } from './daemonset-controller.js';
import { DeploymentController } from './deployment-controller.js';
import { getCondition, REASON } from './deployment-status.js';
import { EventRecorder } from './event-recorder.js';
import { HttpRouteController } from './httproute-controller.js';
import { FaultInjector, type FaultHandle, type FaultSpec } from './fault-injector.js';
import { ImageBehaviours, type ImageBehaviour, type ImageBehaviourOptions } from './image-behaviours.js';
import type { Deployment, KubeEvent, KubeObject, Pod, ReplicaSet, ResourceName, Service } from './kube-types.js';
import { deepClone } from './json-value.js';
import { buildKubeConfigYaml } from './kubeconfig.js';
import { ObjectStore } from './object-store.js';
import { PodKubelet } from './pod-kubelet.js';
import { RbacAuthorizer, type RbacPolicy } from './rbac-rules.js';
import { ReplicaSetController } from './replica-set-controller.js';
import { ResourceHandlers } from './resource-handlers.js';
import { definitionOf } from './resource-registry.js';
import { RolloutController } from './rollout-controller.js';
import { StatefulSetController } from './statefulset-controller.js';
import { WorkloadSeeder, type SeedDaemonSetInput, type SeedRolloutInput, type SeedStatefulSetInput } from './workload-seeder.js';
import type { DaemonSet, Rollout, StatefulSet } from './workload-types.js';
import { ScaleSubresource } from './scale-subresource.js';
import { WatchHub } from './watch-hub.js';
import type { ClusterChange, KubernetesEmulatorOptions } from './emulator-options.js';

export type { RecordedRequest } from './api-router.js';
export type { SeedContainer, SeedDeploymentInput, SeedRevision, SeedServiceInput } from './cluster-seeder.js';
export type { FaultHandle, FaultSpec } from './fault-injector.js';
export type { RbacPolicy, RbacRule } from './rbac-rules.js';
export { policyFromRoleManifest, withoutPermission } from './rbac-manifest.js';
export type { SeedDaemonSetInput, SeedRolloutInput, SeedStatefulSetInput, SeedWorkloadInput } from './workload-seeder.js';
export type { ImageBehaviour, ImageBehaviourOptions } from './image-behaviours.js';
export type * from './kube-types.js';
export type { ClusterChange, KubernetesEmulatorOptions } from './emulator-options.js';

/** An in-process Kubernetes API server with Deployment, ReplicaSet and kubelet emulation. */
export class KubernetesEmulator {
  private closed = false;

  private constructor(
    readonly url: string,
    readonly token: string,
    /** Every request received, in order (bounded by requestLogLimit). */
    readonly requests: RecordedRequest[],
    private readonly server: Server,
    private readonly store: ObjectStore,
    private readonly controller: ClusterController,
    private readonly seeder: ClusterSeeder,
    private readonly workloads: WorkloadSeeder,
    private readonly handlers: ResourceHandlers,
    private readonly rbac: RbacAuthorizer,
    private readonly behaviours: ImageBehaviours,
    private readonly faults: FaultInjector,
    private readonly watches: WatchHub,
    /** Aborts injected delays still pending at close. */
    private readonly abort: AbortController,
  ) {}

  /** @internal use startKubernetesEmulator */
  static async start(opts: KubernetesEmulatorOptions = {}): Promise<KubernetesEmulator> {
    const token = opts.token ?? 'emulator-token';
    const tickMs = Math.max(1, opts.tickMs ?? 25);
    const podStartMs = Math.max(0, opts.podStartMs ?? 100);
    const now = Date.now;
    const store = new ObjectStore(opts.watchHistoryLimit ?? 5000, now);
    const events = new EventRecorder(store, now, opts.eventLimit ?? 1000);
    const behaviours = new ImageBehaviours();
    const kubelet = new PodKubelet(store, events, behaviours, { podStartMs });
    const controller = new ClusterController({
      store,
      kubelet,
      deployments: new DeploymentController(store, events),
      replicaSets: new ReplicaSetController(store, events),
      statefulSets: new StatefulSetController(store, events),
      daemonSets: new DaemonSetController(store, events),
      rollouts: new RolloutController(store, events),
      httpRoutes: new HttpRouteController(store),
      tickMs,
      now,
    });
    const handlers = new ResourceHandlers(store, { now, onWrite: () => controller.kick() });
    const seeder = new ClusterSeeder(store, handlers, kubelet, now);
    for (const ns of ['default', 'kube-system', 'kube-public']) seeder.ensureNamespace(ns);
    const workloads = new WorkloadSeeder(store, kubelet, now, (ns) => seeder.ensureNamespace(ns));
    const rbac = new RbacAuthorizer();
    const faults = new FaultInjector();
    const watches = new WatchHub(store, opts.bookmarkIntervalMs ?? 10_000);
    const requestLogLimit = opts.requestLogLimit ?? 10_000;
    const requests: RecordedRequest[] = [];
    const abort = new AbortController();
    const server = createServer(
      createApiRouter({
        token,
        allowAnonymous: opts.allowAnonymous ?? false,
        handlers,
        scale: new ScaleSubresource(store, handlers, { now, onWrite: () => controller.kick() }),
        watches,
        faults,
        logs: kubelet,
        rbac,
        signal: abort.signal,
        record: (r) => {
          requests.push(r);
          if (requests.length > requestLogLimit) requests.splice(0, requests.length - requestLogLimit);
        },
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const emulator = new KubernetesEmulator(
      `http://127.0.0.1:${port}`,
      token,
      requests,
      server,
      store,
      controller,
      seeder,
      workloads,
      handlers,
      rbac,
      behaviours,
      faults,
      watches,
      abort,
    );
    controller.start();
    return emulator;
  }

  kubeConfigYaml(contextName = 'emulator'): string {
    return buildKubeConfigYaml(this.url, this.token, contextName);
  }

  seedDeployment(input: SeedDeploymentInput): Deployment {
    return deepClone(this.seeder.seedDeployment(input));
  }

  seedService(input: SeedServiceInput): Service {
    return deepClone(this.seeder.seedService(input));
  }

  seedStatefulSet(input: SeedStatefulSetInput): StatefulSet {
    return deepClone(this.workloads.seedStatefulSet(input));
  }

  seedDaemonSet(input: SeedDaemonSetInput): DaemonSet {
    return deepClone(this.workloads.seedDaemonSet(input));
  }

  seedRollout(input: SeedRolloutInput): Rollout {
    return deepClone(this.workloads.seedRollout(input));
  }

  /** Creates any emulated object (ConfigMap, Secret, HTTPRoute…) through the API's admission rules. */
  seedObject<T extends KubeObject>(resource: ResourceName, object: T): T {
    if (object.metadata.namespace) this.seeder.ensureNamespace(object.metadata.namespace);
    return this.handlers.create(definitionOf(resource), object.metadata.namespace, object, new URLSearchParams()) as T;
  }

  getObject<T extends KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): T | undefined {
    return this.store.get<T>(resource, namespace, name);
  }

  listObjects<T extends KubeObject>(resource: ResourceName, namespace?: string): T[] {
    return this.store.list<T>(resource, namespace);
  }

  /** Emulated RBAC: unset, every authenticated request is allowed; set, anything no rule allows is 403. */
  setRbacPolicy(policy: RbacPolicy | undefined): void {
    this.rbac.set(policy);
  }

  setImageBehaviour(image: string, behaviour: ImageBehaviour, opts?: ImageBehaviourOptions): void {
    this.behaviours.set(image, behaviour, opts);
  }

  injectFault(spec: FaultSpec): FaultHandle {
    return this.faults.add(spec);
  }

  /** Ends every open watch stream, as an API server restart would. */
  dropWatches(): void {
    this.watches.dropAll();
  }

  get openWatchCount(): number {
    return this.watches.openCount;
  }

  /** An exception thrown by a control loop (they keep running); undefined when all is well. */
  get controllerError(): Error | undefined {
    return this.controller.lastError;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  getDeployment(namespace: string, name: string): Deployment | undefined {
    return this.store.get<Deployment>('deployments', namespace, name);
  }

  listDeployments(namespace?: string): Deployment[] {
    return this.store.list<Deployment>('deployments', namespace);
  }

  listReplicaSets(namespace?: string): ReplicaSet[] {
    return this.store.list<ReplicaSet>('replicasets', namespace);
  }

  listPods(namespace?: string): Pod[] {
    return this.store.list<Pod>('pods', namespace);
  }

  getService(namespace: string, name: string): Service | undefined {
    return this.store.get<Service>('services', namespace, name);
  }

  listEvents(namespace?: string): KubeEvent[] {
    return this.store.list<KubeEvent>('events', namespace);
  }

  /** Called after every object change with a copy of the object; returns an unsubscribe function. */
  onChange(listener: (change: ClusterChange) => void): () => void {
    return this.store.subscribe((c) => listener({ type: c.type, resource: c.resource, kind: c.object.kind, object: deepClone(c.object) }));
  }

  /** Resolves once `predicate` holds (checked now and after every change), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs: number, description = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      if (predicate()) return resolve();
      let unsubscribe = (): void => undefined;
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out after ${timeoutMs}ms waiting for ${description}`));
      }, timeoutMs);
      unsubscribe = this.store.subscribe(() => {
        let ok = false;
        try {
          ok = predicate();
        } catch (err) {
          clearTimeout(timer);
          unsubscribe();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (!ok) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  }

  /**
   * Resolves with the Deployment when its rollout is complete by `kubectl rollout status`
   * rules; rejects on ProgressDeadlineExceeded or after `timeoutMs`.
   */
  async waitForRolloutComplete(namespace: string, name: string, timeoutMs: number): Promise<Deployment> {
    let last: Deployment | undefined;
    try {
      await this.waitFor(
        () => {
          last = this.getDeployment(namespace, name);
          if (!last) return false;
          const s = last.status ?? {};
          if (getCondition(s, 'Progressing')?.reason === REASON.timedOut) {
            throw new Error(`deployment "${name}" exceeded its progress deadline`);
          }
          const desired = last.spec.replicas ?? 1;
          return (
            (s.observedGeneration ?? 0) >= (last.metadata.generation ?? 1) &&
            (s.updatedReplicas ?? 0) === desired &&
            (s.replicas ?? 0) === desired &&
            (s.availableReplicas ?? 0) === desired
          );
        },
        timeoutMs,
        `rollout of ${namespace}/${name}`,
      );
    } catch (err) {
      const status = last ? JSON.stringify(last.status) : 'not found';
      throw new Error(`${err instanceof Error ? err.message : String(err)}; status: ${status}`);
    }
    return last as Deployment;
  }

  /** Stops the controllers, ends all watches and closes the server and its connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.controller.stop();
    this.abort.abort();
    this.faults.clear();
    this.watches.destroyAll();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export async function startKubernetesEmulator(opts?: KubernetesEmulatorOptions): Promise<KubernetesEmulator> {
  return KubernetesEmulator.start(opts);
}
