// Many independent services in one catalog and one emulated cluster: the per-service lock allows one
// active run per service, so tests that need many runs in flight at once give each its own service.
import type { KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { CHANNEL, IMAGE, USERS } from './bot-harness.js';

export interface ServiceFixture {
  name: string;
  namespace: string;
  /** Deployment names; the first is the service's core component. */
  components: string[];
  /** Oldest first; the last is live in the cluster and recorded as the failed deploy. */
  versions: string[];
  replicas?: number;
  /** A reversible migration in the failed deploy makes the plan HIGH risk (two approvers needed). */
  highRisk?: boolean;
  /** YAML for `verification:` (indented under the service); default: 20 s, no extra checks. */
  verification?: string;
}

export const APPROVERS = [USERS.approver, USERS.second, 'S0ONCALL'] as const;

export function servicesCatalog(services: ServiceFixture[]): string {
  const blocks = services.map((s) =>
    [
      `  ${s.name}:`,
      '    environment: production',
      `    channel: ${CHANNEL}`,
      '    kubernetes:',
      `      namespace: ${s.namespace}`,
      `      deployments: [${s.components.join(', ')}]`,
      `      core: [${s.components[0]}]`,
      s.verification ?? '    verification:\n      timeoutSeconds: 20',
      '    approvals:',
      `      approvers: [${APPROVERS.join(', ')}]`,
      '      required: 1',
      '      highRiskRequired: 2',
      '      allowSelfApproval: false',
      `      autoApprove: [${USERS.ciBot}]`,
    ].join('\n'),
  );
  // Reasons are covered by test/e2e/bad-version-guard.test.ts; these flows type commands without one.
  return `services:\n${blocks.join('\n')}\nrequireReasonIn: []\n`;
}

export function seedServices(k8s: KubernetesEmulator, services: ServiceFixture[]): void {
  for (const s of services) {
    for (const component of s.components) {
      k8s.seedDeployment({
        namespace: s.namespace,
        name: component,
        replicas: s.replicas ?? 2,
        containers: [{ name: component, image: IMAGE(component, s.versions[s.versions.length - 1]!) }],
        history: s.versions.map((v) => ({ images: { [component]: IMAGE(component, v) } })),
      });
    }
  }
}

/** The deployment id of version index i of a service; the last one is the failed deploy. */
export function deploymentId(s: ServiceFixture, index: number): string {
  return `${s.name}-deploy-${index + 1}`;
}

export function failedDeploymentId(s: ServiceFixture): string {
  return deploymentId(s, s.versions.length - 1);
}

/** Bodies for POST /api/v1/deployments, oldest first, a day apart. */
export function deploymentRecords(s: ServiceFixture): Array<Record<string, unknown>> {
  return s.versions.map((version, i) => {
    const failed = i === s.versions.length - 1;
    return {
      id: deploymentId(s, i),
      service: s.name,
      environment: 'production',
      version,
      gitSha: '9f1c2e7',
      status: failed ? 'failed' : 'succeeded',
      createdAt: new Date(Date.UTC(2026, 10, 10 + i, 9)).toISOString(),
      createdBy: 'ci',
      components: Object.fromEntries(s.components.map((c) => [c, { image: IMAGE(c, version), replicas: s.replicas ?? 2 }])),
      migrations: failed && s.highRisk ? [{ id: `${s.name}_add_column`, reversible: true, destructive: false, mayLoseData: false }] : [],
      verification: { smoke: true, acceptance: true, security: true, performance: true },
    };
  });
}

/** Writes that change something (reads and server-side dry runs excluded) in a namespace, or to one Deployment. */
export function realWritesTo(k8s: KubernetesEmulator, namespace: string, deployment?: string) {
  const prefix = `/namespaces/${namespace}/`;
  const target = deployment === undefined ? undefined : `${prefix}deployments/${deployment}`;
  return k8s.requests.filter(
    (r) =>
      !['GET', 'HEAD'].includes(r.method) &&
      r.query['dryRun'] === undefined &&
      r.path.includes(prefix) &&
      (target === undefined || r.path.endsWith(target) || r.path.includes(`${target}/`)),
  );
}
