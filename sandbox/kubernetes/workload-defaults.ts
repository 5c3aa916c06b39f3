import { defaultPodTemplate } from './object-defaults.js';
import type { DaemonSet, Secret, StatefulSet } from './workload-types.js';

/** apps/v1 defaulting for StatefulSets and DaemonSets, and the Secret `stringData` write-only field. */

export function defaultStatefulSet(s: StatefulSet): void {
  const spec = s.spec;
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec['persistentVolumeClaimRetentionPolicy'] ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  defaultPodTemplate(spec.template);
}

export function defaultDaemonSet(d: DaemonSet): void {
  const spec = d.spec;
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}

/** `stringData` is merged into `data` (base64) on write and never stored, as the API server does. */
export function defaultSecret(s: Secret): void {
  s.type ??= 'Opaque';
  if (s.stringData) {
    s.data = { ...s.data };
    for (const [key, value] of Object.entries(s.stringData)) s.data[key] = Buffer.from(value, 'utf8').toString('base64');
    delete s.stringData;
  }
}
