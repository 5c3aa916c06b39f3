import { canonicalJson, deepClone } from './json-value.js';
import type { PodTemplateSpec, ReplicaSet } from './kube-types.js';
import { defaultPodTemplate } from './object-defaults.js';
import type { ObjectStore } from './object-store.js';
import { controllerRefTo } from './owner-references.js';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { ROLLOUT_HASH_LABEL, ROLLOUT_REVISION_ANNOTATION } from './rollout-phase.js';
import type { Rollout } from './workload-types.js';

/** The ReplicaSets of an Argo Rollout: one per template, labelled with its hash, numbered by revision. */

export function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[ROLLOUT_REVISION_ANNOTATION] ?? '0') || 0;
}

export function hashOf(rs: ReplicaSet | undefined): string | undefined {
  return rs?.metadata.labels?.[ROLLOUT_HASH_LABEL];
}

/** PodTemplateEqualIgnoreHash: the Rollout's template is defaulted before it is compared with a ReplicaSet's. */
export function sameTemplate(rsTemplate: PodTemplateSpec, desired: PodTemplateSpec): boolean {
  const strip = (t: PodTemplateSpec) => {
    const copy = deepClone(t);
    defaultPodTemplate(copy);
    if (copy.metadata?.labels) {
      delete copy.metadata.labels[ROLLOUT_HASH_LABEL];
      delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    }
    return canonicalJson(copy);
  };
  return strip(rsTemplate) === strip(desired);
}

export function createRolloutReplicaSet(store: ObjectStore, ro: Rollout, hash: string, revision: number): ReplicaSet {
  const template = deepClone(ro.spec.template);
  defaultPodTemplate(template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [ROLLOUT_HASH_LABEL]: hash } };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${ro.metadata.name}-${hash}`,
      namespace: ro.metadata.namespace,
      generation: 1,
      labels: { ...template.metadata.labels },
      annotations: { [ROLLOUT_REVISION_ANNOTATION]: String(revision), 'rollout.argoproj.io/desired-replicas': String(ro.spec.replicas ?? 1) },
      ownerReferences: [controllerRefTo(ro)],
    },
    spec: {
      replicas: 0,
      minReadySeconds: ro.spec.minReadySeconds ?? 0,
      selector: { ...deepClone(ro.spec.selector), matchLabels: { ...ro.spec.selector.matchLabels, [ROLLOUT_HASH_LABEL]: hash } },
      template,
    },
    status: { replicas: 0 },
  };
  return store.create('replicasets', rs);
}
