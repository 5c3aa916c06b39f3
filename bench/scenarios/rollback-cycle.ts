// One full rollback as it happens in production, repeatable: the bad version is deployed (again) in the
// cluster and recorded as failed, someone types the command, an approver clicks, the bot rolls back,
// verifies and reports. Each cycle returns the moments the benchmark's figures are made of.
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubernetesEmulator } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { CHANNEL, IMAGE, USERS } from '../../test/support/bot-harness.js';
import type { ProcessWorld } from '../../test/support/process-world.js';
import { sendCommand } from '../../test/support/slack-flow.js';
import type { ClusterClock } from '../cluster-clock.js';
import { planPosted, planSettled } from '../slack-clock.js';

export interface CycleTarget {
  service: string;
  namespace: string;
  components: string[];
  failedVersion: string;
  /** Used for the deployment records' times: each cycle's failed deploy is newer than the last. */
  baseTime: number;
}

export interface CycleTimings {
  runId: string;
  outcome: string;
  /** performance.now() moments. */
  clickAt: number;
  firstWriteAt: number | undefined;
  settledAt: number;
  steps: Array<{ component: string; writtenAt?: number; completeAt?: number; finishedAt?: number }>;
}

/** Sets the failed image on every component again and waits until the cluster runs it. */
export async function redeployFailed(k8s: KubernetesEmulator, apps: AppsV1Api, t: CycleTarget): Promise<void> {
  for (const component of t.components) {
    const image = IMAGE(component, t.failedVersion);
    const current = k8s.getDeployment(t.namespace, component)?.spec.template.spec?.containers?.[0]?.image;
    if (current === image) continue;
    await apps.patchNamespacedDeployment(
      { name: component, namespace: t.namespace, body: { spec: { template: { spec: { containers: [{ name: component, image }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
  }
  for (const component of t.components) await k8s.waitForRolloutComplete(t.namespace, component, 60_000);
}

export function appsClient(k8s: KubernetesEmulator): AppsV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(k8s.kubeConfigYaml());
  return kc.makeApiClient(AppsV1Api);
}

/**
 * `readingMs`: how long the approver looks at the plan before clicking. A person needs seconds; a
 * click within a millisecond of the plan lands while the bot is still finishing the command (recording
 * where the plan was posted, answering the asker), which no approver ever sees.
 */
export async function rollbackCycle(
  world: ProcessWorld,
  clock: ClusterClock,
  apps: AppsV1Api,
  t: CycleTarget,
  index: number,
  readingMs = 0,
): Promise<CycleTimings> {
  await redeployFailed(world.k8s, apps, t);
  const id = `${t.service}-bench-${index}`;
  const recorded = await world.api('POST', '/api/v1/deployments', {
    id,
    service: t.service,
    environment: 'production',
    version: t.failedVersion,
    status: 'failed',
    createdAt: new Date(t.baseTime + (index + 1) * 60_000).toISOString(),
    createdBy: 'bench',
    components: Object.fromEntries(t.components.map((c) => [c, { image: IMAGE(c, t.failedVersion) }])),
    migrations: [],
  });
  if (recorded.status !== 201) throw new Error(`recording ${id}: ${recorded.status} ${JSON.stringify(recorded.json)}`);

  const posted = planPosted(world.slack, id);
  await sendCommand(world.slack, `--failed-deployment-id ${id}`);
  const plan = await posted;
  const message = world.slack.findMessage(CHANNEL, plan.ts)!;
  const runId = /Run `(rb-[a-z0-9]+)`/.exec(JSON.stringify(message.blocks))?.[1];
  if (!runId) throw new Error(`no run id in the plan for ${id}`);
  if (!JSON.stringify(message.blocks).includes('rollback_approve')) throw new Error(`the plan for ${id} cannot be approved: ${message.text}`);

  if (readingMs > 0) await new Promise((resolve) => setTimeout(resolve, readingMs));
  const settled = planSettled(world.slack, plan.ts);
  const clickAt = performance.now();
  await world.slack.clickButton({
    userId: USERS.approver,
    channelId: CHANNEL,
    messageTs: plan.ts,
    actionId: 'rollback_approve',
    value: runId,
    force: true,
  });
  const end = await settled;
  const view = await world.api('GET', `/api/v1/rollbacks/${runId}`);
  const steps = (view.json.steps as Array<{ component: string; finishedAt: string | null }>).map((s) => ({
    component: s.component,
    writtenAt: clock.first('written', clickAt, s.component)?.at,
    completeAt: clock.first('complete', clickAt, s.component)?.at,
    finishedAt: s.finishedAt ? Date.parse(s.finishedAt) : undefined,
  }));
  return { runId, outcome: end.outcome, clickAt, firstWriteAt: clock.first('written', clickAt)?.perf, settledAt: end.at, steps };
}
