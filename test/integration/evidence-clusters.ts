// Fixture clusters, one per failure class, built in the Kubernetes emulator the way they happen: the
// target version runs, then the failed version is deployed through the API (or was seeded as the
// live revision), and the emulated kubelet makes it fail. Each waits for a state that holds for a
// known window (podStartMs/2 = 1.5 s in the test) so what we collect is stable.
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type V1Container,
  type V1Pod,
} from '@kubernetes/client-node';
import type { CauseKind } from '../../src/core/evidence.js';
import type { Migration } from '../../src/core/model.js';
import type { ImageBehaviour, KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';

export const NAMESPACE = 'shop';
export const COMPONENT = 'checkout-api';
export const TARGET_IMAGE = `registry.example/${COMPONENT}:v1.2.0`;
export const FAILED_IMAGE = `registry.example/${COMPONENT}:v1.2.1`;
export const DB_PASSWORD = 'hunter2';
export const TIMEOUT_VALUE = '2750';

const BASE_ENV = [
  { name: 'DATABASE_URL', value: `postgres://checkout:${DB_PASSWORD}@db:5432/shop` },
  { name: 'FEATURE_FLAGS_URL', value: 'http://flags.shop.svc:8080' },
  { name: 'PAYMENT_TIMEOUT_MS', value: TIMEOUT_VALUE },
];
const BASE_RESOURCES = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };
export const CRASH_LOG = [
  'starting checkout-api v1.2.1',
  `connecting to postgres://checkout:${DB_PASSWORD}@db:5432/shop`,
  'FATAL: relation "orders_v2" does not exist',
];

export interface Api {
  apps: AppsV1Api;
  core: CoreV1Api;
}

export interface ClusterFixture {
  name: string;
  /** The top cause the RCA must name, or undefined for "no cause identified". */
  expectedTop: CauseKind | undefined;
  migrations?: Migration[];
  build(k8s: KubernetesEmulator, api: Api): Promise<void>;
  /** The state to collect in: true once the failure has shown and will hold for a while. */
  settled(pods: V1Pod[], warnings: CoreV1Event[]): boolean;
}

export function apiFor(k8s: KubernetesEmulator): Api {
  const kc = new KubeConfig();
  kc.loadFromString(k8s.kubeConfigYaml());
  return { apps: kc.makeApiClient(AppsV1Api), core: kc.makeApiClient(CoreV1Api) };
}

/** v1.1.0 and v1.2.0 deployed; v1.2.0 (revision 2) is live and healthy. */
function seedTarget(k8s: KubernetesEmulator, failedEnv?: typeof BASE_ENV): void {
  const history = [
    { images: { [COMPONENT]: `registry.example/${COMPONENT}:v1.1.0` } },
    { images: { [COMPONENT]: TARGET_IMAGE } },
    ...(failedEnv ? [{ images: { [COMPONENT]: FAILED_IMAGE }, env: { [COMPONENT]: failedEnv } }] : []),
  ];
  k8s.seedDeployment({
    namespace: NAMESPACE,
    name: COMPONENT,
    replicas: 3,
    containers: [{ name: COMPONENT, image: TARGET_IMAGE, env: BASE_ENV, resources: BASE_RESOURCES }],
    history,
  });
}

/** A deploy of the failed version through the API: the container as the target has it, changed by `change`. */
async function deployFailed(api: Api, change: Partial<V1Container> = {}): Promise<void> {
  const container = { name: COMPONENT, image: FAILED_IMAGE, ...change };
  await api.apps.patchNamespacedDeployment(
    { name: COMPONENT, namespace: NAMESPACE, body: { spec: { template: { spec: { containers: [container] } } } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
}

const failedPods = (pods: V1Pod[]) => pods.filter((p) => p.spec?.containers[0]?.image === FAILED_IMAGE && !p.metadata?.deletionTimestamp);
const waiting = (p: V1Pod) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason;

function failing(k8s: KubernetesEmulator, behaviour: ImageBehaviour, logLines?: string[]): void {
  k8s.setImageBehaviour(FAILED_IMAGE, behaviour, logLines ? { logLines } : {});
}

export const FIXTURES: ClusterFixture[] = [
  {
    name: 'crash-loop',
    expectedTop: 'crash_loop',
    migrations: [{ id: '20261120_orders_v2', reversible: true, destructive: false, mayLoseData: false }],
    async build(k8s, api) {
      seedTarget(k8s);
      failing(k8s, 'crash', CRASH_LOG);
      await deployFailed(api);
    },
    settled: (pods) => failedPods(pods).length > 0 && failedPods(pods).every((p) => waiting(p) === 'CrashLoopBackOff'),
  },
  {
    name: 'oom',
    expectedTop: 'oom',
    async build(k8s, api) {
      seedTarget(k8s);
      failing(k8s, 'oom');
      await deployFailed(api, { resources: { requests: BASE_RESOURCES.requests, limits: { cpu: '1', memory: '128Mi' } } });
    },
    settled: (pods) => failedPods(pods).length > 0 && failedPods(pods).every((p) => waiting(p) === 'CrashLoopBackOff'),
  },
  {
    name: 'image-pull',
    expectedTop: 'image_pull',
    async build(k8s, api) {
      seedTarget(k8s);
      failing(k8s, 'image-pull-error');
      await deployFailed(api);
    },
    settled: (pods) => failedPods(pods).length > 0 && failedPods(pods).every((p) => waiting(p) === 'ImagePullBackOff'),
  },
  {
    name: 'readiness-probe',
    expectedTop: 'readiness_probe',
    async build(k8s, api) {
      seedTarget(k8s);
      failing(k8s, 'never-ready');
      await deployFailed(api, { readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, failureThreshold: 3 } });
    },
    settled: (pods, warnings) => failedPods(pods).some((p) => p.status?.phase === 'Running') && warnings.some((w) => w.reason === 'Unhealthy'),
  },
  {
    name: 'unschedulable',
    expectedTop: 'unschedulable',
    async build(k8s, api) {
      seedTarget(k8s);
      failing(k8s, 'unschedulable');
      await deployFailed(api, { resources: { requests: { cpu: '64', memory: '256Mi' }, limits: BASE_RESOURCES.limits } });
    },
    settled: (_pods, warnings) => warnings.some((w) => w.reason === 'FailedScheduling'),
  },
  {
    name: 'config-change',
    expectedTop: 'config_change',
    async build(k8s) {
      // Healthy-looking pods: the feature-flag service's URL is gone and the payment timeout changed.
      seedTarget(k8s, [BASE_ENV[0]!, { name: 'PAYMENT_TIMEOUT_MS', value: '9150' }]);
    },
    settled: (pods) =>
      failedPods(pods).length === 3 && failedPods(pods).every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
  },
  {
    name: 'nothing-wrong',
    expectedTop: undefined,
    async build(k8s) {
      seedTarget(k8s, BASE_ENV);
    },
    settled: (pods) =>
      failedPods(pods).length === 3 && failedPods(pods).every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
  },
];

export async function waitUntilSettled(api: Api, fixture: ClusterFixture, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = (await api.core.listNamespacedPod({ namespace: NAMESPACE })).items;
    const warnings = (await api.core.listNamespacedEvent({ namespace: NAMESPACE, fieldSelector: 'type=Warning' })).items;
    if (fixture.settled(pods, warnings)) return;
    if (Date.now() > deadline)
      throw new Error(
        `fixture ${fixture.name} did not settle: ${JSON.stringify(pods.map((p) => [p.metadata?.name, p.status?.phase, p.status?.containerStatuses?.[0]?.state]))}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}
