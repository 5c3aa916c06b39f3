import { randomUUID } from 'node:crypto';
import { invalid } from './api-error.js';
import { calculateStatus, newCondition, REASON } from './deployment-status.js';
import { deepClone } from './json-value.js';
import { kubeTime } from './kube-time.js';
import type { Container, Deployment, DeploymentSpec, EnvVar, Pod, PodTemplateSpec, ReplicaSet, Service, ServicePort } from './kube-types.js';
import { defaultDeployment, defaultPodTemplate } from './object-defaults.js';
import type { ObjectStore } from './object-store.js';
import { controllerRefTo } from './owner-references.js';
import type { PodKubelet } from './pod-kubelet.js';
import { nameSuffix, POD_TEMPLATE_HASH_LABEL, podTemplateHash } from './pod-template-hash.js';
import type { ResourceHandlers } from './resource-handlers.js';
import { definitionOf } from './resource-registry.js';
import { resolveFenceposts, REVISION_ANNOTATION } from './rollout-math.js';

export interface SeedContainer {
  name: string;
  image: string;
  env?: EnvVar[];
  resources?: { [key: string]: unknown };
  ports?: Array<{ containerPort: number; name?: string; protocol?: string }>;
}

/** One past deploy: the images (and optionally env) each container had at that revision. */
export interface SeedRevision {
  images: Record<string, string>;
  env?: Record<string, EnvVar[]>;
  /** Put on that revision's ReplicaSet, e.g. `kubernetes.io/change-cause`. */
  annotations?: Record<string, string>;
}

export interface SeedDeploymentInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  replicas: number;
  containers: SeedContainer[];
  /** Revisions 1..n, oldest first; the last one is what runs now. Default: one revision from `containers`. */
  history?: SeedRevision[];
  progressDeadlineSeconds?: number;
  annotations?: Record<string, string>;
  strategy?: DeploymentSpec['strategy'];
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
}

export interface SeedServiceInput {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  ports?: ServicePort[];
  labels?: Record<string, string>;
}

// Seeded revisions are spaced ten minutes apart, ending an hour before now.
const REVISION_SPACING_MS = 10 * 60 * 1000;

/** Builds a cluster as it looks after several deploys, without running the rollouts. */
export class ClusterSeeder {
  constructor(
    private readonly store: ObjectStore,
    private readonly handlers: ResourceHandlers,
    private readonly kubelet: PodKubelet,
    private readonly now: () => number,
  ) {}

  ensureNamespace(name: string): void {
    if (this.store.peek('namespaces', undefined, name)) return;
    this.handlers.create(definitionOf('namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, new URLSearchParams());
  }

  seedService(input: SeedServiceInput): Service {
    this.ensureNamespace(input.namespace);
    const body = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: input.name, namespace: input.namespace, labels: input.labels ?? { app: input.name } },
      spec: { selector: input.selector, ports: input.ports ?? [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    };
    return this.handlers.create(definitionOf('services'), input.namespace, body, new URLSearchParams()) as Service;
  }

  seedDeployment(input: SeedDeploymentInput): Deployment {
    this.ensureNamespace(input.namespace);
    const labels = input.labels ?? { app: input.name };
    const revisions = input.history && input.history.length > 0 ? input.history : [{ images: {} }];
    const templates = revisions.map((r) => this.template(input, labels, r));
    const current = templates[templates.length - 1] as PodTemplateSpec;
    const base = this.now() - 3_600_000 - revisions.length * REVISION_SPACING_MS;
    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: input.name,
        namespace: input.namespace,
        uid: randomUUID(),
        labels: { ...labels },
        annotations: { ...input.annotations, [REVISION_ANNOTATION]: String(revisions.length) },
        generation: revisions.length,
        creationTimestamp: kubeTime(base),
      },
      spec: {
        replicas: input.replicas,
        selector: { matchLabels: { ...labels } },
        template: deepClone(current),
        ...(input.strategy ? { strategy: deepClone(input.strategy) } : {}),
        ...(input.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: input.progressDeadlineSeconds } : {}),
        ...(input.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: input.revisionHistoryLimit } : {}),
        ...(input.minReadySeconds !== undefined ? { minReadySeconds: input.minReadySeconds } : {}),
      },
    };
    const causes = definitionOf('deployments').validate(deployment);
    if (causes.length > 0) throw invalid('Deployment', 'apps', input.name, causes);
    defaultDeployment(deployment);

    const sets = templates.map((template, i) => this.replicaSet(deployment, template, i, revisions, base));
    const newRs = sets[sets.length - 1] as ReplicaSet;
    const lastDeployAt = base + (revisions.length - 1) * REVISION_SPACING_MS;
    for (let i = 0; i < input.replicas; i++) this.runningPod(newRs, lastDeployAt + 5000 + i * 1000);

    const status = calculateStatus(deployment, sets, newRs, lastDeployAt + 60_000);
    status.conditions = [
      newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', lastDeployAt + 60_000),
      newCondition(
        'Progressing',
        'True',
        REASON.newRsAvailable,
        `ReplicaSet "${newRs.metadata.name}" has successfully progressed.`,
        lastDeployAt + 60_000,
      ),
    ];
    deployment.status = status;
    for (const rs of sets) this.store.create('replicasets', rs);
    return this.store.create('deployments', deployment);
  }

  private template(input: SeedDeploymentInput, labels: Record<string, string>, revision: SeedRevision): PodTemplateSpec {
    const containers: Container[] = input.containers.map((c) => {
      const env = revision.env?.[c.name] ?? c.env;
      const out: Container = { name: c.name, image: revision.images[c.name] ?? c.image };
      if (env) out.env = deepClone(env);
      if (c.ports) out['ports'] = deepClone(c.ports);
      if (c.resources) out.resources = deepClone(c.resources);
      return out;
    });
    const template: PodTemplateSpec = { metadata: { labels: { ...labels } }, spec: { containers } };
    defaultPodTemplate(template);
    return template;
  }

  private replicaSet(d: Deployment, template: PodTemplateSpec, index: number, revisions: SeedRevision[], base: number): ReplicaSet {
    const hash = podTemplateHash(template);
    const isCurrent = index === revisions.length - 1;
    const replicas = isCurrent ? (d.spec.replicas ?? 0) : 0;
    const rsTemplate = deepClone(template);
    rsTemplate.metadata = { ...rsTemplate.metadata, labels: { ...rsTemplate.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const copied = Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('deployment.kubernetes.io/')));
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        uid: randomUUID(),
        generation: isCurrent ? 1 : 2,
        creationTimestamp: kubeTime(base + index * REVISION_SPACING_MS),
        labels: { ...rsTemplate.metadata.labels },
        annotations: {
          ...copied,
          ...revisions[index]?.annotations,
          [REVISION_ANNOTATION]: String(index + 1),
          'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 0),
          'deployment.kubernetes.io/max-replicas': String((d.spec.replicas ?? 0) + resolveFenceposts(d).maxSurge),
        },
        ownerReferences: [controllerRefTo(d)],
      },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } },
        template: rsTemplate,
      },
      status:
        isCurrent && replicas > 0
          ? { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 }
          : { replicas: 0, observedGeneration: isCurrent ? 1 : 2 },
    };
  }

  private runningPod(rs: ReplicaSet, startedAt: number): void {
    const name = `${rs.metadata.name}-${nameSuffix(`${rs.metadata.uid}/seed/${startedAt}`)}`;
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        uid: randomUUID(),
        creationTimestamp: kubeTime(startedAt - 2000),
        labels: { ...rs.spec.template.metadata?.labels },
        ownerReferences: [controllerRefTo(rs)],
      },
      spec: { ...deepClone(rs.spec.template.spec), serviceAccountName: 'default', serviceAccount: 'default', enableServiceLinks: true },
    };
    this.store.create('pods', this.kubelet.seedRunning(pod, startedAt));
  }
}
