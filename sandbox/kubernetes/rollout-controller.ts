import type { EventRecorder } from './event-recorder.js';
import { deepClone, deepEqual } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { ReplicaSet, Service } from './kube-types.js';
import { labelSelectorToString } from './label-selector.js';
import type { ObjectStore } from './object-store.js';
import { controllerOf } from './owner-references.js';
import { podTemplateHash } from './pod-template-hash.js';
import { createRolloutReplicaSet, hashOf, revisionOf, sameTemplate } from './rollout-replica-sets.js';
import {
  calculateRolloutPhase,
  durationMs,
  ROLLOUT_HASH_LABEL,
  ROLLOUT_REASON,
  ROLLOUT_REVISION_ANNOTATION,
  rolloutCondition,
  setRolloutCondition,
} from './rollout-phase.js';
import type { Rollout, RolloutStatus } from './workload-types.js';

const COMPONENT = 'rollouts-controller';

/**
 * The Argo Rollouts controller for what a rollback uses: a ReplicaSet per template
 * (`rollouts-pod-template-hash`, `rollout.argoproj.io/revision`), basic canary steps
 * (setWeight by replica count, pause with or without duration, promotion by clearing the pause
 * conditions), blue-green with an active Service selector, `status.abort` (scale the canary away,
 * the stable back up, phase Degraded), a template equal to the stable ReplicaSet's promoted at
 * once without steps, the progress deadline, and the phase/message Argo computes.
 */
export class RolloutController {
  private readonly lastProgressAt = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
  ) {}

  syncAll(now: number): void {
    for (const ro of this.store.scan<Rollout>('rollouts')) if (!ro.metadata.deletionTimestamp) this.sync(ro, now);
  }

  private owned(ro: Rollout): ReplicaSet[] {
    return this.store
      .scan<ReplicaSet>('replicasets', ro.metadata.namespace)
      .filter((rs) => controllerOf(rs)?.uid === ro.metadata.uid && !rs.metadata.deletionTimestamp);
  }

  private sync(ro: Rollout, now: number): void {
    const status: RolloutStatus = deepClone(ro.status ?? {});
    const previous = deepClone(status);
    const all = this.owned(ro);
    const hash = podTemplateHash(ro.spec.template, Number(status['collisionCount'] ?? 0));
    let newRs = all.find((rs) => hashOf(rs) === hash) ?? all.find((rs) => sameTemplate(rs.spec.template, ro.spec.template));
    // By name: a ReplicaSet whose revision is renumbered below is a new object for the same set.
    const same = (a: ReplicaSet | undefined, b: ReplicaSet | undefined) => a !== undefined && b !== undefined && a.metadata.name === b.metadata.name;
    const old = all.filter((rs) => !same(rs, newRs));
    const maxOld = old.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    if (!newRs) {
      newRs = createRolloutReplicaSet(this.store, ro, hash, maxOld + 1);
      setRolloutCondition(status, 'Progressing', 'True', ROLLOUT_REASON.newRsCreated, `Created new replica set "${newRs.metadata.name}"`, now);
      this.lastProgressAt.set(ro.metadata.uid ?? '', now);
    } else if (revisionOf(newRs) < maxOld + 1)
      newRs = this.store.update('replicasets', {
        ...newRs,
        metadata: { ...newRs.metadata, annotations: { ...newRs.metadata.annotations, [ROLLOUT_REVISION_ANNOTATION]: String(maxOld + 1) } },
      });
    const newHash = hashOf(newRs) ?? hash;
    const revision = revisionOf(newRs);

    if (status.currentPodHash !== undefined && status.currentPodHash !== newHash) {
      // resetRolloutStatus: a new template starts a new update; an abort does not carry over.
      delete status.abort;
      delete status.abortedAt;
      delete status.pauseConditions;
      delete status.controllerPause;
      delete status.promoteFull;
      status.currentStepIndex = 0;
      this.lastProgressAt.set(ro.metadata.uid ?? '', now);
      setRolloutCondition(status, 'Progressing', 'True', ROLLOUT_REASON.rsUpdated, `ReplicaSet "${newRs.metadata.name}" is progressing.`, now);
    }
    status.currentPodHash = newHash;
    status.stableRS ??= newHash;
    const stable = (status.stableRS === newHash ? newRs : all.find((rs) => hashOf(rs) === status.stableRS)) ?? newRs;
    const replicas = ro.spec.replicas ?? 1;
    const steps = ro.spec.strategy.canary?.steps ?? [];

    if (ro.spec.paused) {
      // A user pause freezes the rollout where it is.
    } else if (same(stable, newRs) || newHash === status.stableRS) {
      this.promoteFully(ro, newRs, all, status, steps.length);
    } else if (status.abort) {
      this.scale(ro, newRs, 0);
      this.scale(ro, stable, replicas);
      for (const rs of old) if (!same(rs, stable)) this.scale(ro, rs, 0);
      status.abortedAt ??= kubeTime(now);
      if (ro.spec.strategy.canary) status.currentStepIndex = 0;
      setRolloutCondition(status, 'Progressing', 'False', ROLLOUT_REASON.aborted, `Rollout aborted update to revision ${revision}`, now);
    } else if (ro.spec.strategy.canary) {
      this.stepCanary(ro, newRs, stable, old, status, now);
    } else {
      this.stepBlueGreen(ro, newRs, stable, old, status, now);
    }

    const sets = this.owned(ro);
    const current = sets.find((rs) => rs.metadata.name === newRs?.metadata.name);
    const sum = (f: 'replicas' | 'readyReplicas' | 'availableReplicas') => sets.reduce((n, rs) => n + (rs.status?.[f] ?? 0), 0);
    status.replicas = sum('replicas');
    status.updatedReplicas = current?.status?.replicas ?? 0;
    status.readyReplicas = sum('readyReplicas');
    status.availableReplicas = sum('availableReplicas');
    status.selector = labelSelectorToString(ro.spec.selector);
    status.observedGeneration = String(ro.metadata.generation ?? 1);
    this.syncConditions(ro, status, previous, current, now);
    const { phase, message } = calculateRolloutPhase(ro, status);
    status.phase = phase;
    status.message = message;

    const latest = this.store.peek<Rollout>('rollouts', ro.metadata.namespace, ro.metadata.name);
    if (!latest) return;
    const annotations = { ...latest.metadata.annotations, [ROLLOUT_REVISION_ANNOTATION]: String(revisionOf(current ?? newRs)) };
    if (!deepEqual(latest.status, status) || !deepEqual(latest.metadata.annotations, annotations)) {
      this.store.update('rollouts', { ...latest, metadata: { ...latest.metadata, annotations }, status });
    }
  }

  private scale(ro: Rollout, rs: ReplicaSet, replicas: number): void {
    const latest = this.store.get<ReplicaSet>('replicasets', rs.metadata.namespace, rs.metadata.name);
    if (!latest || (latest.spec.replicas ?? 0) === replicas) return;
    const from = latest.spec.replicas ?? 0;
    latest.spec.replicas = replicas;
    latest.metadata.generation = (latest.metadata.generation ?? 1) + 1;
    this.store.update('replicasets', latest);
    this.events.record({
      involved: ro,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      source: { component: COMPONENT },
    });
  }

  private available(rs: ReplicaSet): number {
    return this.store.peek<ReplicaSet>('replicasets', rs.metadata.namespace, rs.metadata.name)?.status?.availableReplicas ?? 0;
  }

  /** The new ReplicaSet is (or becomes) stable: it gets every replica once available, the rest none. */
  private promoteFully(ro: Rollout, newRs: ReplicaSet, all: ReplicaSet[], status: RolloutStatus, stepCount: number): void {
    const replicas = ro.spec.replicas ?? 1;
    this.scale(ro, newRs, replicas);
    if (ro.spec.strategy.canary) status.currentStepIndex = stepCount;
    if (ro.spec.strategy.blueGreen) {
      if (this.available(newRs) < replicas && status.blueGreen?.activeSelector) return;
      this.switchActive(ro, status, hashOf(newRs) ?? '');
    }
    for (const rs of all) if (rs.metadata.name !== newRs.metadata.name) this.scale(ro, rs, 0);
  }

  /** Pause steps: a duration elapses by itself; an indefinite one waits for promotion (pause conditions cleared). */
  private paused(status: RolloutStatus, reason: string, duration: number | undefined, now: number): boolean {
    const condition = status.pauseConditions?.find((p) => p.reason === reason);
    if (condition) {
      if (duration !== undefined && now >= Date.parse(condition.startTime) + duration) {
        delete status.pauseConditions;
        delete status.controllerPause;
        return false;
      }
      return true;
    }
    if (status.controllerPause) {
      delete status.controllerPause;
      return false;
    }
    status.pauseConditions = [{ reason, startTime: kubeTime(now) }];
    status.controllerPause = true;
    return true;
  }

  private stepCanary(ro: Rollout, newRs: ReplicaSet, stable: ReplicaSet, old: ReplicaSet[], status: RolloutStatus, now: number): void {
    const replicas = ro.spec.replicas ?? 1;
    const steps = ro.spec.strategy.canary?.steps ?? [];
    let index = status.promoteFull ? steps.length : (status.currentStepIndex ?? 0);
    let weight = 0;
    for (const step of steps.slice(0, index)) if (step.setWeight !== undefined) weight = step.setWeight;
    for (const rs of old) if (rs.metadata.name !== stable.metadata.name) this.scale(ro, rs, 0);
    while (index < steps.length) {
      const step = steps[index];
      if (step?.setWeight !== undefined) {
        weight = step.setWeight;
        const target = Math.ceil((weight * replicas) / 100);
        this.scale(ro, newRs, target);
        const ready = Math.min(target, this.available(newRs));
        this.scale(ro, stable, replicas - ready);
        if (ready < target) break;
        index += 1;
        continue;
      }
      if (step?.pause && this.paused(status, 'CanaryPauseStep', durationMs(step.pause.duration), now)) break;
      index += 1;
    }
    status.currentStepIndex = index;
    status.canary = {
      weights: { canary: { weight, podTemplateHash: hashOf(newRs) }, stable: { weight: 100 - weight, podTemplateHash: hashOf(stable) } },
    };
    if (index < steps.length) return;
    // Every step done: the canary takes all replicas, then becomes the stable ReplicaSet.
    this.scale(ro, newRs, replicas);
    const ready = this.available(newRs);
    this.scale(ro, stable, Math.max(0, replicas - ready));
    if (ready >= replicas) {
      status.stableRS = hashOf(newRs);
      this.scale(ro, stable, 0);
    }
  }

  private stepBlueGreen(ro: Rollout, newRs: ReplicaSet, stable: ReplicaSet, old: ReplicaSet[], status: RolloutStatus, now: number): void {
    const replicas = ro.spec.replicas ?? 1;
    const hash = hashOf(newRs) ?? '';
    this.scale(ro, newRs, replicas);
    for (const rs of old) if (rs.metadata.name !== stable.metadata.name) this.scale(ro, rs, 0);
    status.blueGreen = { ...status.blueGreen, previewSelector: hash };
    if (this.available(newRs) < replicas) return;
    if (ro.spec.strategy.blueGreen?.autoPromotionEnabled === false && !status.promoteFull && this.paused(status, 'BlueGreenPause', undefined, now))
      return;
    this.switchActive(ro, status, hash);
    status.stableRS = hash;
    this.scale(ro, stable, 0);
  }

  private switchActive(ro: Rollout, status: RolloutStatus, hash: string): void {
    status.blueGreen = { ...status.blueGreen, activeSelector: hash };
    const name = ro.spec.strategy.blueGreen?.activeService;
    const service = name ? this.store.get<Service>('services', ro.metadata.namespace, name) : undefined;
    if (!service || service.spec.selector?.[ROLLOUT_HASH_LABEL] === hash) return;
    service.spec.selector = { ...service.spec.selector, [ROLLOUT_HASH_LABEL]: hash };
    this.store.update('services', service);
  }

  private syncConditions(ro: Rollout, status: RolloutStatus, previous: RolloutStatus, current: ReplicaSet | undefined, now: number): void {
    const uid = ro.metadata.uid ?? '';
    const replicas = ro.spec.replicas ?? 1;
    const name = current?.metadata.name ?? ro.metadata.name;
    const paused = ro.spec.paused === true || (status.pauseConditions?.length ?? 0) > 0;
    const complete =
      status.stableRS === status.currentPodHash &&
      (status.updatedReplicas ?? 0) === replicas &&
      (status.availableReplicas ?? 0) >= replicas &&
      (status.replicas ?? 0) === replicas;
    const progressing = rolloutCondition(status, 'Progressing');
    if (status.abort) {
      // Set when the abort is handled.
    } else if (paused) {
      this.lastProgressAt.set(uid, now);
    } else if (complete) {
      setRolloutCondition(status, 'Progressing', 'True', ROLLOUT_REASON.newRsAvailable, `ReplicaSet "${name}" has successfully progressed.`, now);
      this.lastProgressAt.set(uid, now);
    } else if (
      (status.updatedReplicas ?? 0) !== (previous.updatedReplicas ?? 0) ||
      (status.readyReplicas ?? 0) !== (previous.readyReplicas ?? 0) ||
      (status.availableReplicas ?? 0) !== (previous.availableReplicas ?? 0) ||
      (status.currentStepIndex ?? 0) !== (previous.currentStepIndex ?? 0)
    ) {
      if (progressing?.reason !== ROLLOUT_REASON.timedOut)
        setRolloutCondition(status, 'Progressing', 'True', ROLLOUT_REASON.rsUpdated, `ReplicaSet "${name}" is progressing.`, now);
      this.lastProgressAt.set(uid, now);
    } else {
      const since = this.lastProgressAt.get(uid) ?? now;
      if (!this.lastProgressAt.has(uid)) this.lastProgressAt.set(uid, now);
      const deadline = (ro.spec.progressDeadlineSeconds ?? 600) * 1000;
      if (progressing?.reason !== ROLLOUT_REASON.timedOut && now > since + deadline) {
        setRolloutCondition(status, 'Progressing', 'False', ROLLOUT_REASON.timedOut, `ReplicaSet "${name}" has timed out progressing.`, now);
        if (ro.spec.progressDeadlineAbort) status.abort = true;
      }
    }
    const available = (status.availableReplicas ?? 0) >= replicas;
    setRolloutCondition(
      status,
      'Available',
      available ? 'True' : 'False',
      'AvailableReason',
      available ? 'Rollout has minimum availability' : 'Rollout does not have minimum availability',
      now,
    );
    setRolloutCondition(status, 'Paused', paused ? 'True' : 'False', ROLLOUT_REASON.paused, 'Rollout is paused', now);
    const healthy = calculateRolloutPhase(ro, status).phase === 'Healthy';
    setRolloutCondition(
      status,
      'Healthy',
      healthy ? 'True' : 'False',
      'RolloutHealthy',
      healthy ? 'Rollout is healthy' : 'Rollout is not healthy',
      now,
    );
    setRolloutCondition(
      status,
      'Completed',
      complete ? 'True' : 'False',
      complete ? 'RolloutCompleted' : 'RolloutNotCompleted',
      complete ? 'Rollout is completed' : 'Rollout not completed',
      now,
    );
  }
}
