import type { Container, Deployment, PodSpec, PodTemplateSpec, ReplicaSet, Service } from './kube-types.js';

/**
 * The API server's defaulting for the fields we emulate. Applying it on every write matters:
 * a template copied back from a ReplicaSet (kubectl rollout undo) carries these defaults, and
 * must compare equal to the Deployment template that produced the ReplicaSet.
 */

function defaultPullPolicy(image: string): string {
  const lastPart = image.split('/').pop() ?? image;
  const tag = lastPart.includes('@') ? 'digest' : lastPart.split(':')[1];
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.resources ??= {};
  if (Array.isArray(c['ports'])) {
    for (const port of c['ports'] as Array<Record<string, unknown>>) port['protocol'] ??= 'TCP';
  }
}

export function defaultPodSpec(spec: PodSpec): void {
  for (const c of spec.containers) defaultContainer(c);
  if (Array.isArray(spec['initContainers'])) for (const c of spec['initContainers'] as Container[]) defaultContainer(c);
  spec.restartPolicy ??= 'Always';
  spec['terminationGracePeriodSeconds'] ??= 30;
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['securityContext'] ??= {};
  spec['schedulerName'] ??= 'default-scheduler';
}

export function defaultPodTemplate(template: PodTemplateSpec): void {
  template.metadata ??= {};
  defaultPodSpec(template.spec);
}

export function defaultDeployment(d: Deployment): void {
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec.replicas ??= 1;
  defaultPodTemplate(rs.spec.template);
}

export function defaultService(s: Service): void {
  s.spec['type'] ??= 'ClusterIP';
  s.spec['sessionAffinity'] ??= 'None';
  s.spec['ipFamilies'] ??= ['IPv4'];
  s.spec['ipFamilyPolicy'] ??= 'SingleStack';
  s.spec['internalTrafficPolicy'] ??= 'Cluster';
  for (const port of s.spec.ports ?? []) {
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
}
