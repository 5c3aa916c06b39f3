// The ConfigMaps and Secrets a pod template references: volumes (also projected), envFrom and
// env valueFrom, in init containers too. What the pods read at start is what a rollback must match.
import type { V1Container, V1PodTemplateSpec } from '@kubernetes/client-node';

export interface ConfigRefs {
  configMaps: Set<string>;
  secrets: Set<string>;
}

export function emptyRefs(): ConfigRefs {
  return { configMaps: new Set(), secrets: new Set() };
}

export function addTemplateRefs(refs: ConfigRefs, template: V1PodTemplateSpec | undefined): ConfigRefs {
  const spec = template?.spec;
  if (!spec) return refs;
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap?.name) refs.configMaps.add(volume.configMap.name);
    if (volume.secret?.secretName) refs.secrets.add(volume.secret.secretName);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) refs.configMaps.add(source.configMap.name);
      if (source.secret?.name) refs.secrets.add(source.secret.name);
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) addContainerRefs(refs, container);
  return refs;
}

function addContainerRefs(refs: ConfigRefs, container: V1Container): void {
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef?.name) refs.configMaps.add(from.configMapRef.name);
    if (from.secretRef?.name) refs.secrets.add(from.secretRef.name);
  }
  for (const env of container.env ?? []) {
    if (env.valueFrom?.configMapKeyRef?.name) refs.configMaps.add(env.valueFrom.configMapKeyRef.name);
    if (env.valueFrom?.secretKeyRef?.name) refs.secrets.add(env.valueFrom.secretKeyRef.name);
  }
}
