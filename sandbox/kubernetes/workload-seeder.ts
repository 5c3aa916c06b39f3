import { randomUUID } from 'node:crypto';
import { invalid } from './api-error.js';
import type { SeedContainer, SeedRevision } from './cluster-seeder.js';
import { CONTROLLER_REVISION_HASH_LABEL, revisionData } from './controller-history.js';
import { deepClone } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { Container, KubeObject, Pod, PodTemplateSpec, ReplicaSet } from './kube-types.js';
import { labelSelectorToString } from './label-selector.js';
import { defaultPodTemplate } from './object-defaults.js';
import type { ObjectStore } from './object-store.js';
import { controllerRefTo } from './owner-references.js';
import { NODE_NAMES, type PodKubelet } from './pod-kubelet.js';
import { nameSuffix, podTemplateHash, textHash } from './pod-template-hash.js';
import { definitionOf } from './resource-registry.js';
import { ROLLOUT_HASH_LABEL, ROLLOUT_REVISION_ANNOTATION } from './rollout-phase.js';
import type { ControllerRevision, DaemonSet, DaemonSetSpec, Rollout, RolloutSpec, StatefulSet, StatefulSetSpec } from './workload-types.js';
import { defaultDaemonSet, defaultStatefulSet } from './workload-defaults.js';

export interface SeedWorkloadInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  containers: SeedContainer[];
  /** Revisions 1..n, oldest first, each with a different template; the last one runs now. */
  history?: SeedRevision[];
  annotations?: Record<string, string>;
}

export interface SeedStatefulSetInput extends SeedWorkloadInput {
  replicas: number;
  updateStrategy?: StatefulSetSpec['updateStrategy'];
  podManagementPolicy?: StatefulSetSpec['podManagementPolicy'];
}

export interface SeedDaemonSetInput extends SeedWorkloadInput {
  updateStrategy?: DaemonSetSpec['updateStrategy'];
}

export interface SeedRolloutInput extends SeedWorkloadInput {
  replicas: number;
  strategy: RolloutSpec['strategy'];
  progressDeadlineSeconds?: number;
}

const SPACING_MS = 10 * 60 * 1000;

/** Builds StatefulSets, DaemonSets and Rollouts as they look after several deploys, without running them. */
export class WorkloadSeeder {
  constructor(
    private readonly store: ObjectStore,
    private readonly kubelet: PodKubelet,
    private readonly now: () => number,
    private readonly ensureNamespace: (name: string) => void,
  ) {}

  private templates(input: SeedWorkloadInput, labels: Record<string, string>): PodTemplateSpec[] {
    const revisions = input.history && input.history.length > 0 ? input.history : [{ images: {} }];
    return revisions.map((r) => {
      const containers: Container[] = input.containers.map((c) => {
        const out: Container = { name: c.name, image: r.images[c.name] ?? c.image };
        const env = r.env?.[c.name] ?? c.env;
        if (env) out.env = deepClone(env);
        if (c.ports) out['ports'] = deepClone(c.ports);
        if (c.resources) out.resources = deepClone(c.resources);
        return out;
      });
      const template: PodTemplateSpec = { metadata: { labels: { ...labels } }, spec: { containers } };
      defaultPodTemplate(template);
      return template;
    });
  }

  private check(kind: string, resource: 'statefulsets' | 'daemonsets' | 'rollouts', obj: KubeObject): void {
    const causes = definitionOf(resource).validate(obj);
    if (causes.length > 0) throw invalid(kind, definitionOf(resource).group, obj.metadata.name, causes);
  }

  private base(revisions: number): number {
    return this.now() - 3_600_000 - revisions * SPACING_MS;
  }

  private revisions(owner: KubeObject, input: SeedWorkloadInput, templates: PodTemplateSpec[], base: number): ControllerRevision[] {
    return templates.map((template, i) => {
      const data = revisionData(template);
      const hash = textHash(JSON.stringify(data));
      const annotations = { ...(owner.kind === 'StatefulSet' ? input.annotations : {}), ...input.history?.[i]?.annotations };
      return this.store.create<ControllerRevision>('controllerrevisions', {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name: `${owner.metadata.name}-${hash}`,
          namespace: owner.metadata.namespace,
          creationTimestamp: kubeTime(base + i * SPACING_MS),
          labels: { ...template.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
          ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
          ownerReferences: [controllerRefTo(owner)],
        },
        data,
        revision: i + 1,
      });
    });
  }

  private runningPod(
    owner: KubeObject,
    name: string,
    template: PodTemplateSpec,
    labels: Record<string, string>,
    startedAt: number,
    nodeName?: string,
  ): void {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        uid: randomUUID(),
        creationTimestamp: kubeTime(startedAt - 2000),
        labels: { ...template.metadata?.labels, ...labels },
        ownerReferences: [controllerRefTo(owner)],
      },
      spec: {
        ...deepClone(template.spec),
        ...(nodeName ? { nodeName } : {}),
        serviceAccountName: 'default',
        serviceAccount: 'default',
        enableServiceLinks: true,
      },
    };
    this.store.create('pods', this.kubelet.seedRunning(pod, startedAt));
  }

  seedStatefulSet(input: SeedStatefulSetInput): StatefulSet {
    this.ensureNamespace(input.namespace);
    const labels = input.labels ?? { app: input.name };
    const templates = this.templates(input, labels);
    const base = this.base(templates.length);
    const set: StatefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: {
        name: input.name,
        namespace: input.namespace,
        uid: randomUUID(),
        labels: { ...labels },
        annotations: { ...input.annotations },
        generation: templates.length,
        creationTimestamp: kubeTime(base),
      },
      spec: {
        replicas: input.replicas,
        serviceName: input.name,
        selector: { matchLabels: { ...labels } },
        template: deepClone(templates[templates.length - 1] as PodTemplateSpec),
        ...(input.updateStrategy ? { updateStrategy: deepClone(input.updateStrategy) } : {}),
        ...(input.podManagementPolicy ? { podManagementPolicy: input.podManagementPolicy } : {}),
      },
    };
    this.check('StatefulSet', 'statefulsets', set);
    defaultStatefulSet(set);
    const crs = this.revisions(set, input, templates, base);
    const current = crs[crs.length - 1] as ControllerRevision;
    const deployedAt = base + (templates.length - 1) * SPACING_MS;
    for (let i = 0; i < input.replicas; i++) {
      const name = `${input.name}-${i}`;
      this.runningPod(
        set,
        name,
        set.spec.template,
        {
          [CONTROLLER_REVISION_HASH_LABEL]: current.metadata.name,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(i),
        },
        deployedAt + 5000 + i * 1000,
      );
    }
    const n = input.replicas;
    set.status = {
      observedGeneration: templates.length,
      replicas: n,
      readyReplicas: n,
      availableReplicas: n,
      currentReplicas: n,
      updatedReplicas: n,
      currentRevision: current.metadata.name,
      updateRevision: current.metadata.name,
      collisionCount: 0,
    };
    return this.store.create('statefulsets', set);
  }

  seedDaemonSet(input: SeedDaemonSetInput): DaemonSet {
    this.ensureNamespace(input.namespace);
    const labels = input.labels ?? { app: input.name };
    const templates = this.templates(input, labels);
    const base = this.base(templates.length);
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: input.name,
        namespace: input.namespace,
        uid: randomUUID(),
        labels: { ...labels },
        annotations: { ...input.annotations, 'deprecated.daemonset.template.generation': String(templates.length) },
        generation: templates.length,
        creationTimestamp: kubeTime(base),
      },
      spec: {
        selector: { matchLabels: { ...labels } },
        template: deepClone(templates[templates.length - 1] as PodTemplateSpec),
        ...(input.updateStrategy ? { updateStrategy: deepClone(input.updateStrategy) } : {}),
      },
    };
    this.check('DaemonSet', 'daemonsets', ds);
    defaultDaemonSet(ds);
    const crs = this.revisions(ds, input, templates, base);
    const hash = (crs[crs.length - 1] as ControllerRevision).metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
    const deployedAt = base + (templates.length - 1) * SPACING_MS;
    NODE_NAMES.forEach((node, i) => {
      const name = `${input.name}-${nameSuffix(`${ds.metadata.uid}/seed/${i}`)}`;
      this.runningPod(
        ds,
        name,
        ds.spec.template,
        { [CONTROLLER_REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(templates.length) },
        deployedAt + 5000 + i * 1000,
        node,
      );
    });
    const n = NODE_NAMES.length;
    ds.status = {
      currentNumberScheduled: n,
      numberMisscheduled: 0,
      desiredNumberScheduled: n,
      numberReady: n,
      observedGeneration: templates.length,
      updatedNumberScheduled: n,
      numberAvailable: n,
      numberUnavailable: 0,
      collisionCount: 0,
    };
    return this.store.create('daemonsets', ds);
  }

  /** A Rollout fully promoted to its last revision: stableRS = currentPodHash, phase Healthy. */
  seedRollout(input: SeedRolloutInput): Rollout {
    this.ensureNamespace(input.namespace);
    const labels = input.labels ?? { app: input.name };
    const templates = this.templates(input, labels);
    const base = this.base(templates.length);
    const current = templates[templates.length - 1] as PodTemplateSpec;
    const ro: Rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: {
        name: input.name,
        namespace: input.namespace,
        uid: randomUUID(),
        labels: { ...labels },
        annotations: { ...input.annotations, [ROLLOUT_REVISION_ANNOTATION]: String(templates.length) },
        generation: templates.length,
        creationTimestamp: kubeTime(base),
      },
      spec: {
        replicas: input.replicas,
        selector: { matchLabels: { ...labels } },
        template: deepClone(current),
        strategy: deepClone(input.strategy),
        ...(input.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: input.progressDeadlineSeconds } : {}),
      },
    };
    this.check('Rollout', 'rollouts', ro);
    const deployedAt = base + (templates.length - 1) * SPACING_MS;
    const hashes = templates.map((t) => podTemplateHash(t));
    templates.forEach((template, i) => {
      const isCurrent = i === templates.length - 1;
      const hash = hashes[i] as string;
      const rsTemplate = deepClone(template);
      rsTemplate.metadata = { ...rsTemplate.metadata, labels: { ...rsTemplate.metadata?.labels, [ROLLOUT_HASH_LABEL]: hash } };
      const replicas = isCurrent ? input.replicas : 0;
      const rs = this.store.create<ReplicaSet>('replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${input.name}-${hash}`,
          namespace: input.namespace,
          uid: randomUUID(),
          generation: isCurrent ? 1 : 2,
          creationTimestamp: kubeTime(base + i * SPACING_MS),
          labels: { ...rsTemplate.metadata.labels },
          annotations: {
            ...input.history?.[i]?.annotations,
            [ROLLOUT_REVISION_ANNOTATION]: String(i + 1),
            'rollout.argoproj.io/desired-replicas': String(input.replicas),
          },
          ownerReferences: [controllerRefTo(ro)],
        },
        spec: { replicas, minReadySeconds: 0, selector: { matchLabels: { ...labels, [ROLLOUT_HASH_LABEL]: hash } }, template: rsTemplate },
        status:
          replicas > 0
            ? { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 }
            : { replicas: 0, observedGeneration: isCurrent ? 1 : 2 },
      });
      if (!isCurrent) return;
      for (let p = 0; p < replicas; p++)
        this.runningPod(rs, `${rs.metadata.name}-${nameSuffix(`${rs.metadata.uid}/seed/${p}`)}`, rsTemplate, {}, deployedAt + 5000 + p * 1000);
    });
    const hash = hashes[hashes.length - 1] as string;
    const t = kubeTime(deployedAt + 60_000);
    const condition = (type: string, reason: string, message: string) => ({
      type,
      status: 'True' as const,
      reason,
      message,
      lastUpdateTime: t,
      lastTransitionTime: t,
    });
    const steps = input.strategy.canary?.steps?.length;
    ro.status = {
      phase: 'Healthy',
      message: '',
      observedGeneration: String(templates.length),
      currentPodHash: hash,
      stableRS: hash,
      ...(steps !== undefined ? { currentStepIndex: steps } : {}),
      ...(input.strategy.blueGreen ? { blueGreen: { activeSelector: hash, previewSelector: hash } } : {}),
      replicas: input.replicas,
      updatedReplicas: input.replicas,
      readyReplicas: input.replicas,
      availableReplicas: input.replicas,
      selector: labelSelectorToString(ro.spec.selector),
      conditions: [
        condition('Progressing', 'NewReplicaSetAvailable', `ReplicaSet "${input.name}-${hash}" has successfully progressed.`),
        condition('Available', 'AvailableReason', 'Rollout has minimum availability'),
        condition('Healthy', 'RolloutHealthy', 'Rollout is healthy'),
        condition('Completed', 'RolloutCompleted', 'Rollout is completed'),
      ],
    };
    return this.store.create('rollouts', ro);
  }
}
