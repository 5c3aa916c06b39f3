// The demo's services catalog (what smartspec.yml says in production) and the names it uses.
import type { Catalog } from '../../src/core/service.js';
import { parseCatalog } from '../../src/config/catalog.js';
import { DEMO_CHANNEL } from './demo-workspace.js';
import { DEMO_PAGERDUTY_SERVICE } from './pagerduty-trigger.js';
import { storefrontCatalogYaml } from './storefront.js';

export const DEMO_SERVICE = 'checkout';
export const DEMO_ENVIRONMENT = 'production';
export const DEMO_NAMESPACE = 'shop';
export const DEMO_COMPONENTS = [
  { name: 'checkout-api', replicas: 3 },
  { name: 'checkout-worker', replicas: 2 },
] as const;

export function demoImage(component: string, version: string): string {
  return `registry.example/${component}:${version}`;
}

/**
 * `healthUrl` is the demo's stand-in for checkout's own /healthz (served by the demo page server
 * from the emulated pods), so the verification shows a real HTTP check and not only "skipped".
 */
export function demoCatalog(healthUrl: string): Catalog {
  const yaml = `
services:
  ${DEMO_SERVICE}:
    environment: ${DEMO_ENVIRONMENT}
    channel: ${DEMO_CHANNEL.id}
    kubernetes:
      namespace: ${DEMO_NAMESPACE}
      deployments: [${DEMO_COMPONENTS.map((c) => c.name).join(', ')}]
      core: [checkout-api]
    pagerduty: { services: [${DEMO_PAGERDUTY_SERVICE}], autoRollback: false, windowMinutes: 1440 }
    verification:
      http: [{ url: ${JSON.stringify(healthUrl)}, status: 200 }]
      timeoutSeconds: 120
    approvals:
      approvers: [U0APPROVE, U0SECOND, S0ONCALL]
      required: 1
      highRiskRequired: 2
      allowSelfApproval: false
${storefrontCatalogYaml(DEMO_CHANNEL.id)}`;
  return parseCatalog(yaml, 'demo catalog (sandbox/demo/demo-catalog.ts)');
}
