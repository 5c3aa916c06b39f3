import type { EventRecorder } from './event-recorder.js';
import type { ImageBehaviours, ResolvedBehaviour } from './image-behaviours.js';
import type { Pod } from './kube-types.js';
import type { ObjectStore } from './object-store.js';
import type { LogLine, SimContainer, SimPod } from './pod-state.js';
import { containerId, renderPodStatus, UNSCHEDULABLE_MESSAGE } from './pod-status.js';

export const NODE_NAMES = ['emulator-node-1', 'emulator-node-2', 'emulator-node-3'];

export interface KubeletTiming {
  /** Pod created → Running and Ready for a healthy image. */
  podStartMs: number;
}

function defaultLogLines(image: string, behaviour: ResolvedBehaviour['behaviour']): string[] {
  const start = `starting ${image}`;
  if (behaviour === 'crash') return [start, 'fatal: unable to start: exiting with status 1'];
  if (behaviour === 'oom') return [start, 'fatal error: runtime: out of memory'];
  if (behaviour === 'never-ready') return [start, 'listening on :8080', 'GET /healthz 503 dependency unavailable'];
  return [start, 'listening on :8080'];
}

function qosClassOf(pod: Pod): string {
  const resources = pod.spec.containers.map((c) => c.resources ?? {});
  const has = (key: string) => resources.some((r) => r[key] && Object.keys(r[key] as object).length > 0);
  return has('requests') || has('limits') ? 'Burstable' : 'BestEffort';
}

/**
 * Scheduler and kubelet in one: moves each pod through scheduling, image pull, start,
 * readiness and crash loops according to its images' behaviours, and keeps the logs.
 */
export class PodKubelet {
  private readonly sims = new Map<string, SimPod>();
  private nextIp = 2;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly behaviours: ImageBehaviours,
    private readonly timing: KubeletTiming,
  ) {}

  private get half(): number {
    return Math.max(1, Math.round(this.timing.podStartMs / 2));
  }

  logsOf(podUid: string, container: string, previous: boolean): LogLine[] | undefined {
    const c = this.sims.get(podUid)?.containers.find((x) => x.name === container);
    if (!c) return undefined;
    if (previous) return c.previousLogs;
    // Between restarts the runtime still has the exited container, so its output is served.
    if (c.phase === 'crash-backoff') return c.previousLogs;
    return c.startedOnce ? c.currentLogs : undefined;
  }

  /** A pod that has been running since `startedAt`, as found in a cluster after a deploy. */
  seedRunning(pod: Pod, startedAt: number): Pod {
    const sim = this.newSim(pod, startedAt);
    this.place(sim, pod.spec.nodeName);
    sim.scheduledAt = startedAt;
    for (const c of sim.containers) this.startInstance(c, startedAt, this.behaviours.get(c.image));
    for (const c of sim.containers) c.readySince = startedAt;
    this.sims.set(sim.uid, sim);
    return { ...pod, spec: { ...pod.spec, nodeName: sim.nodeName }, status: renderPodStatus(sim, startedAt, qosClassOf(pod)) };
  }

  step(now: number): void {
    const live = new Set<string>();
    for (const pod of this.store.scan<Pod>('pods')) {
      const uid = pod.metadata.uid ?? '';
      live.add(uid);
      let sim = this.sims.get(uid);
      if (!sim) {
        sim = this.newSim(pod, now);
        this.sims.set(uid, sim);
      }
      if (pod.metadata.deletionTimestamp) {
        sim.deletingSince ??= now;
        if (now - sim.deletingSince >= this.half) {
          this.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
          this.sims.delete(uid);
        }
        continue;
      }
      if (sim.scheduledAt === undefined && !this.schedule(pod, sim, now)) {
        this.write(pod, sim, now);
        continue;
      }
      for (const c of sim.containers) this.stepContainer(pod, sim, c, now);
      this.write(pod, sim, now);
    }
    for (const uid of this.sims.keys()) if (!live.has(uid)) this.sims.delete(uid);
  }

  private newSim(pod: Pod, now: number): SimPod {
    return {
      uid: pod.metadata.uid ?? '',
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? 'default',
      createdAt: now,
      containers: pod.spec.containers.map((c) => ({
        name: c.name,
        image: c.image,
        phase: 'creating',
        restartCount: 0,
        pullFailures: 0,
        startedOnce: false,
        nextAt: now + this.half,
        currentLogs: [],
      })),
      conditionSince: new Map(),
    };
  }

  /** A pod bound to a node already (a DaemonSet's) stays there; others go round the nodes. */
  private place(sim: SimPod, boundTo?: string): void {
    const n = this.nextIp++;
    sim.nodeName = boundTo ?? NODE_NAMES[n % NODE_NAMES.length];
    sim.hostIP = `172.18.0.${(n % NODE_NAMES.length) + 2}`;
    sim.podIP = `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }

  private schedule(pod: Pod, sim: SimPod, now: number): boolean {
    if (sim.containers.some((c) => this.behaviours.get(c.image).behaviour === 'unschedulable')) {
      // The scheduler retries, and says so again now and then (the recorder counts repeats).
      if (sim.lastSchedulingEventAt === undefined || now - sim.lastSchedulingEventAt >= this.half * 10) {
        sim.lastSchedulingEventAt = now;
        this.events.record({
          involved: pod,
          type: 'Warning',
          reason: 'FailedScheduling',
          message: UNSCHEDULABLE_MESSAGE,
          source: { component: 'default-scheduler' },
        });
      }
      return false;
    }
    this.place(sim, pod.spec.nodeName);
    sim.scheduledAt = now;
    for (const c of sim.containers) c.nextAt = now + this.half;
    this.events.record({
      involved: pod,
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${sim.namespace}/${sim.name} to ${sim.nodeName}`,
      source: { component: 'default-scheduler' },
    });
    return true;
  }

  private stepContainer(pod: Pod, sim: SimPod, c: SimContainer, now: number): void {
    const b = this.behaviours.get(c.image);
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) =>
      this.events.record({
        involved: pod,
        type,
        reason,
        message,
        fieldPath: `spec.containers{${c.name}}`,
        source: { component: 'kubelet', host: sim.nodeName },
      });
    switch (c.phase) {
      case 'creating':
      case 'pull-backoff':
        if (now < c.nextAt) return;
        if (b.behaviour === 'image-pull-error') {
          c.pullFailures += 1;
          event('Normal', 'Pulling', `Pulling image "${c.image}"`);
          event(
            'Warning',
            'Failed',
            `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": not found`,
          );
          event('Warning', 'Failed', 'Error: ErrImagePull');
          c.phase = 'pull-error';
          c.nextAt = now + this.half;
          return;
        }
        if (!c.startedOnce) {
          event('Normal', 'Pulling', `Pulling image "${c.image}"`);
          event('Normal', 'Pulled', `Successfully pulled image "${c.image}" in 412ms (412ms including waiting). Image size: 28478412 bytes.`);
        }
        event('Normal', 'Created', `Created container: ${c.name}`);
        event('Normal', 'Started', `Started container ${c.name}`);
        this.startInstance(c, now, b);
        return;
      case 'pull-error':
        if (now < c.nextAt) return;
        event('Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
        event('Warning', 'Failed', 'Error: ImagePullBackOff');
        c.phase = 'pull-backoff';
        c.nextAt = now + this.half * Math.min(8, 2 ** (c.pullFailures - 1));
        return;
      case 'crash-backoff':
        if (now < c.nextAt) return;
        event('Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
        event('Normal', 'Created', `Created container: ${c.name}`);
        event('Normal', 'Started', `Started container ${c.name}`);
        this.startInstance(c, now, b);
        return;
      case 'running':
        this.stepRunning(pod, sim, c, b, now, event);
        return;
    }
  }

  private stepRunning(
    pod: Pod,
    sim: SimPod,
    c: SimContainer,
    b: ResolvedBehaviour,
    now: number,
    event: (type: 'Normal' | 'Warning', reason: string, message: string) => void,
  ): void {
    const startedAt = c.startedAt ?? now;
    if (b.behaviour === 'crash' || b.behaviour === 'oom') {
      if (now < startedAt + this.half) return;
      const oom = b.behaviour === 'oom';
      c.lastTerminated = {
        exitCode: oom ? 137 : 1,
        reason: oom ? 'OOMKilled' : 'Error',
        startedAt,
        finishedAt: now,
        containerId: containerId(sim.uid, c.name, c.restartCount),
      };
      c.previousLogs = c.currentLogs;
      c.currentLogs = [];
      c.restartCount += 1;
      c.readySince = undefined;
      c.phase = 'crash-backoff';
      c.nextAt = now + this.half * Math.min(8, 2 ** (c.restartCount - 1));
      event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${sim.namespace}(${sim.uid})`);
      return;
    }
    if (b.behaviour === 'never-ready') {
      c.readySince = undefined;
      if (now >= (c.lastProbeEventAt ?? startedAt) + this.half) {
        c.lastProbeEventAt = now;
        event('Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
      }
      return;
    }
    if (c.readySince === undefined && now >= startedAt + this.half) c.readySince = now;
  }

  private startInstance(c: SimContainer, now: number, b: ResolvedBehaviour): void {
    c.phase = 'running';
    c.startedOnce = true;
    c.startedAt = now;
    c.readySince = undefined;
    c.lastProbeEventAt = undefined;
    c.currentLogs = (b.logLines ?? defaultLogLines(c.image, b.behaviour)).map((text, i) => ({ at: now + i, text }));
  }

  private write(pod: Pod, sim: SimPod, now: number): void {
    // The rendered status is a function of these fields only; a pod someone else changed
    // (another resourceVersion) is re-rendered, as the kubelet would overwrite its status.
    const fingerprint = `${sim.scheduledAt}|${sim.containers.map((c) => `${c.phase},${c.restartCount},${c.readySince !== undefined},${c.startedAt}`).join(';')}`;
    if (sim.written?.fingerprint === fingerprint && sim.written.resourceVersion === pod.metadata.resourceVersion) return;
    const next: Pod = { ...pod, spec: { ...pod.spec }, status: renderPodStatus(sim, now, qosClassOf(pod)) };
    if (sim.nodeName) next.spec.nodeName = sim.nodeName;
    const stored = this.store.update('pods', next);
    sim.written = { fingerprint, resourceVersion: stored.metadata.resourceVersion ?? '' };
  }
}
