// The story the demo starts with: checkout ran v1.1.0, then v1.2.0, and v1.2.1 (deploy-12345) just
// went out and crash-loops. The cluster is seeded directly; the history goes through the bot's real
// POST /api/v1/deployments, as CI would send it.
import type { KubernetesEmulator } from '../kubernetes/kubernetes-emulator.js';
import { DEMO_COMPONENTS, DEMO_ENVIRONMENT, DEMO_NAMESPACE, DEMO_SERVICE, demoImage } from './demo-catalog.js';
import type { DemoState } from './demo-state-file.js';
import { initialStorefrontState, storefrontFirstDeployment } from './storefront.js';

export const SEED_FAILED_DEPLOYMENT_ID = 'deploy-12345';

const HOUR_MS = 3_600_000;

export interface DeploymentRecord {
  id: string;
  version: string;
  status: 'succeeded' | 'failed';
  createdAt: string;
  gitSha: string;
  verification: Record<string, boolean>;
}

/** The /api/v1/deployments body for a release of every component at one version. */
export function deploymentBody(d: DeploymentRecord): Record<string, unknown> {
  return {
    id: d.id,
    service: DEMO_SERVICE,
    environment: DEMO_ENVIRONMENT,
    version: d.version,
    gitSha: d.gitSha,
    status: d.status,
    createdAt: d.createdAt,
    createdBy: 'ci',
    components: Object.fromEntries(DEMO_COMPONENTS.map((c) => [c.name, { image: demoImage(c.name, d.version), replicas: c.replicas }])),
    migrations: [],
    verification: d.verification,
  };
}

/** A fresh demo: three revisions in the cluster, the last crashing, and the matching history. */
export function initialDemoState(now: Date): DemoState {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const passed = { smoke: true, acceptance: true, security: true, performance: true };
  const history: DeploymentRecord[] = [
    { id: 'deploy-100', version: 'v1.1.0', status: 'succeeded', createdAt: at(72), gitSha: '3b1d0a4', verification: passed },
    { id: 'deploy-200', version: 'v1.2.0', status: 'succeeded', createdAt: at(26), gitSha: '7c2e9f1', verification: passed },
    // CI's smoke test caught it after the rollout had started: recorded as failed.
    { id: SEED_FAILED_DEPLOYMENT_ID, version: 'v1.2.1', status: 'failed', createdAt: at(0.4), gitSha: '9f1c2e7', verification: { smoke: false } },
  ];
  const versions = history.map((d) => d.version);
  return {
    format: 1,
    cluster: DEMO_COMPONENTS.map((c) => ({
      name: c.name,
      replicas: c.replicas,
      revisions: versions.map((v) => ({ [c.name]: demoImage(c.name, v) })),
    })),
    behaviours: [
      {
        image: demoImage('checkout-api', 'v1.2.1'),
        behaviour: 'crash',
        // The password is there on purpose: the root-cause report must scrub it.
        logLines: [
          'starting checkout-api v1.2.1',
          'connecting to postgres://checkout:hunter2@db.shop.svc:5432/shop',
          'FATAL: relation "orders_v2" does not exist',
        ],
      },
    ],
    deployments: [
      { recorded: false, body: storefrontFirstDeployment(at(30)) },
      ...history.map((d) => ({ recorded: false, body: deploymentBody(d) })),
    ],
    storefront: initialStorefrontState(),
    badDeploys: 0,
    slackMessages: [],
  };
}

/** Puts the saved cluster into a fresh emulator: behaviours first, so the first pods already misbehave. */
export function seedCluster(k8s: KubernetesEmulator, state: DemoState): void {
  for (const b of state.behaviours) k8s.setImageBehaviour(b.image, b.behaviour, { logLines: b.logLines });
  for (const d of state.cluster) {
    const current = d.revisions[d.revisions.length - 1] ?? {};
    k8s.seedDeployment({
      namespace: DEMO_NAMESPACE,
      name: d.name,
      replicas: d.replicas,
      containers: Object.entries(current).map(([name, image]) => ({ name, image })),
      history: d.revisions.map((images) => ({ images })),
    });
  }
}

/** Sends the bot every deployment it does not have yet; a failure stops the demo with the API's answer. */
export async function recordPendingDeployments(botUrl: string, apiToken: string, state: DemoState, save: () => void): Promise<void> {
  for (const entry of state.deployments) {
    if (entry.recorded) continue;
    await postDeployment(botUrl, apiToken, entry.body);
    entry.recorded = true;
    save();
  }
}

export async function postDeployment(botUrl: string, apiToken: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(new URL('/api/v1/deployments', botUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`POST /api/v1/deployments ${String(body.id)} answered ${response.status}: ${text.slice(0, 500)}`);
  }
}
