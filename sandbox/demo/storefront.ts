// The demo's second service: storefront, two sides (blue, green) behind one Service that selects both,
// with its settings in a ConfigMap. "Ship storefront" changes the ConfigMap and moves every pod to the
// new version on green, as a team's own cut-over would; rolling it back restores the ConfigMap first
// (the plan shows the key diff, the API key masked), then shifts the pods back 25 → 50 → 75 → 100 %.
import { z } from 'zod';
import type { KubernetesEmulator } from '../kubernetes/kubernetes-emulator.js';
import type { DemoTrigger, TriggerResult } from './demo-trigger.js';
import { DEMO_COMMAND } from './demo-workspace.js';

export const STOREFRONT = 'storefront';
export const STOREFRONT_NAMESPACE = 'web';
export const STOREFRONT_CONFIG = 'storefront-config';
export const STOREFRONT_SIDES = ['storefront-blue', 'storefront-green'] as const;
const SIDES = STOREFRONT_SIDES;
const REPLICAS = 4;
const GOOD_VERSION = 'v2.0.0';

// Demo values, not secrets: the API key is there to show that secret-looking keys are masked in plans.
const GOOD_CONFIG = { CHECKOUT_TIMEOUT_MS: '3000', THEME: 'spring', PAYMENT_API_KEY: 'pk-demo-0000-spring' };

export const storefrontStateSchema = z.object({
  sides: z.array(z.object({ name: z.string(), replicas: z.number().int().min(0), image: z.string() })),
  config: z.record(z.string(), z.string()),
  /** How many versions "Ship storefront" has shipped, to name the next one. */
  ships: z.number().int().min(0),
});
export type StorefrontState = z.infer<typeof storefrontStateSchema>;

export function storefrontImage(version: string): string {
  return `registry.example/storefront:${version}`;
}

/** The catalog entry: gradual by replica ratio, a short pause to watch each step, and configuration snapshots. */
export function storefrontCatalogYaml(channelId: string): string {
  return `
  ${STOREFRONT}:
    environment: production
    channel: ${channelId}
    kubernetes:
      namespace: ${STOREFRONT_NAMESPACE}
      deployments: [${SIDES.join(', ')}]
      blueGreen: { service: ${STOREFRONT}, label: slot }
      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 2, gateSeconds: 60 }
      configSnapshot: { maxBytes: 65536 }
    verification:
      timeoutSeconds: 60
    approvals:
      approvers: [U0APPROVE, U0SECOND, S0ONCALL]
      required: 1
      highRiskRequired: 2
      allowSelfApproval: false
`;
}

export function initialStorefrontState(): StorefrontState {
  return {
    sides: [
      { name: SIDES[0], replicas: REPLICAS, image: storefrontImage(GOOD_VERSION) },
      { name: SIDES[1], replicas: 0, image: storefrontImage(GOOD_VERSION) },
    ],
    config: { ...GOOD_CONFIG },
    ships: 0,
  };
}

/** The record CI sent when v2.0.0 went out on blue: the bot snapshots the ConfigMap with it. */
export function storefrontFirstDeployment(createdAt: string): Record<string, unknown> {
  return deploymentBody('storefront-100', GOOD_VERSION, SIDES[0], 'succeeded', createdAt);
}

function deploymentBody(id: string, version: string, side: string, status: 'succeeded' | 'failed', createdAt: string): Record<string, unknown> {
  return {
    id,
    service: STOREFRONT,
    environment: 'production',
    version,
    status,
    createdAt,
    createdBy: 'ci',
    components: { [side]: { image: storefrontImage(version), replicas: REPLICAS } },
    migrations: [],
    verification: status === 'succeeded' ? { smoke: true } : { smoke: false },
  };
}

export function seedStorefront(k8s: KubernetesEmulator, state: StorefrontState): void {
  k8s.seedObject('configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: STOREFRONT_CONFIG, namespace: STOREFRONT_NAMESPACE },
    data: state.config,
  });
  for (const side of state.sides) {
    k8s.seedDeployment({
      namespace: STOREFRONT_NAMESPACE,
      name: side.name,
      replicas: side.replicas,
      labels: { app: STOREFRONT, slot: side.name.replace(`${STOREFRONT}-`, '') },
      containers: [{ name: STOREFRONT, image: side.image, env: configEnv() }],
    });
  }
  k8s.seedService({ namespace: STOREFRONT_NAMESPACE, name: STOREFRONT, selector: { app: STOREFRONT } });
}

/** The storefront as it is now, for the demo's state file. */
export function captureStorefront(k8s: KubernetesEmulator, ships: number): StorefrontState {
  const config =
    k8s.getObject<{ apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string> }>(
      'configmaps',
      STOREFRONT_NAMESPACE,
      STOREFRONT_CONFIG,
    )?.data ?? {};
  const sides = SIDES.map((name) => {
    const d = k8s.getDeployment(STOREFRONT_NAMESPACE, name);
    return { name, replicas: d?.spec?.replicas ?? 0, image: d?.spec?.template?.spec?.containers?.[0]?.image ?? storefrontImage(GOOD_VERSION) };
  });
  return { sides, config, ships };
}

export interface StorefrontTriggerContext {
  k8s: KubernetesEmulator;
  state: () => StorefrontState;
  record: (body: Record<string, unknown>) => Promise<void>;
  now: () => Date;
}

/** "Ship storefront": new settings in the ConfigMap, every pod on green with the new version, and the failed record. */
export function storefrontTrigger(ctx: StorefrontTriggerContext): DemoTrigger {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    id: 'ship-storefront',
    label: 'Ship storefront (code and config)',
    description:
      'storefront v2.1 goes out on its green side with a ConfigMap change; its smoke test fails. Its rollback restores the ConfigMap, then shifts the pods back 25 → 50 → 75 → 100 %.',
    path: '/ship-storefront',
    run() {
      const result = queue.then(() => ship(ctx));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}

async function ship(ctx: StorefrontTriggerContext): Promise<TriggerResult> {
  const state = ctx.state();
  const n = state.ships + 1;
  const version = `v2.1.${n - 1}`;
  const id = `storefront-${100 + n}`;
  await patch(ctx.k8s, `/api/v1/namespaces/${STOREFRONT_NAMESPACE}/configmaps/${STOREFRONT_CONFIG}`, {
    data: { CHECKOUT_TIMEOUT_MS: '30', THEME: 'summer', PAYMENT_API_KEY: `pk-demo-${1000 + n}-summer` },
  });
  await patch(ctx.k8s, `/apis/apps/v1/namespaces/${STOREFRONT_NAMESPACE}/deployments/${SIDES[1]}`, {
    spec: { replicas: REPLICAS, template: { spec: { containers: [{ name: STOREFRONT, image: storefrontImage(version) }] } } },
  });
  await ctx.k8s.waitForRolloutComplete(STOREFRONT_NAMESPACE, SIDES[1], 60_000);
  await patch(ctx.k8s, `/apis/apps/v1/namespaces/${STOREFRONT_NAMESPACE}/deployments/${SIDES[0]}`, { spec: { replicas: 0 } });
  state.ships = n;
  await ctx.record(
    deploymentBody(
      id,
      version,
      SIDES[1],
      'failed',
      ctx
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    ),
  );
  return {
    message: `CI shipped storefront ${version} (${id}) on green with new settings (CHECKOUT_TIMEOUT_MS 3000 → 30); its smoke test failed: checkouts time out.`,
    command: `${DEMO_COMMAND} --failed-deployment-id ${id} --reason "storefront ${version}: checkouts time out"`,
  };
}

function configEnv() {
  return Object.keys(GOOD_CONFIG).map((key) => ({ name: key, valueFrom: { configMapKeyRef: { name: STOREFRONT_CONFIG, key } } }));
}

/** As `kubectl patch` sends it: a strategic merge patch for Deployments, a merge patch for the ConfigMap. */
async function patch(k8s: KubernetesEmulator, path: string, body: unknown): Promise<void> {
  const contentType = path.includes('/deployments/') ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json';
  const response = await fetch(`${k8s.url}${path}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${k8s.token}`, 'content-type': contentType },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`PATCH ${path} answered ${response.status}: ${text.slice(0, 300)}`);
}
