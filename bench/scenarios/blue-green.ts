// Blue-green: the idle side already runs the target and is warm, so the rollback is a switch of the
// Service selector. Measured from the approve click to the traffic switched (the Service changed in
// the API server) and to switched-and-verified (the run recorded `succeeded`).
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Service as KubeService } from '../../sandbox/kubernetes/kubernetes-emulator.js';
import { CHANNEL, IMAGE, USERS } from '../../test/support/bot-harness.js';
import { APPROVERS } from '../../test/support/multi-service.js';
import { sendCommand } from '../../test/support/slack-flow.js';
import type { Row } from '../report.js';
import { planPosted, planSettled } from '../slack-clock.js';
import { summarize } from '../stats.js';
import { appsClient } from './rollback-cycle.js';
import { recordShopDeployment } from './shop-deployment.js';
import type { BotRuntime } from '../bot-runtime.js';
import { type ClusterTiming, startScenarioWorld } from './scenario-world.js';

const NS = 'bg';
const GOOD = 'v1.1.0';
const BAD = 'v1.2.0';
const REPLICAS = 3;

const CATALOG = `
services:
  shop:
    environment: production
    channel: ${CHANNEL}
    kubernetes:
      namespace: ${NS}
      deployments: [shop-blue, shop-green]
      blueGreen: { service: shop, label: slot }
    verification:
      timeoutSeconds: 20
    history: { keep: 1000 }
    approvals:
      approvers: [${APPROVERS.join(', ')}]
      required: 1
`;

export async function benchBlueGreen(entry: string, o: { cycles: number } & ClusterTiming & BotRuntime, log: (line: string) => void): Promise<Row[]> {
  const world = await startScenarioWorld(CATALOG, o);
  try {
    for (const [side, version] of [
      ['blue', GOOD],
      ['green', BAD],
    ] as const) {
      world.k8s.seedDeployment({
        namespace: NS,
        name: `shop-${side}`,
        labels: { app: 'shop', slot: side },
        replicas: REPLICAS,
        containers: [{ name: 'shop', image: IMAGE('shop', version) }],
      });
    }
    world.k8s.seedService({ namespace: NS, name: 'shop', selector: { app: 'shop', slot: 'green' } });
    await world.start({ entry });
    const kc = new KubeConfig();
    kc.loadFromString(world.k8s.kubeConfigYaml());
    const core = kc.makeApiClient(CoreV1Api);
    const apps = appsClient(world.k8s);
    const record = (id: string, version: string, side: string, status: string, minutes: number) =>
      recordShopDeployment(world, { id, version, side, status, minutes, replicas: REPLICAS });
    await record('shop-good', GOOD, 'blue', 'succeeded', 0);

    const switched: number[] = [];
    const verified: number[] = [];
    for (let i = 0; i < o.cycles; i++) {
      // Back to the incident: traffic on green (the bad version), blue idle but warm with the good one.
      await core.patchNamespacedService(
        { name: 'shop', namespace: NS, body: { spec: { selector: { app: 'shop', slot: 'green' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      await apps.patchNamespacedDeploymentScale(
        { name: 'shop-green', namespace: NS, body: { spec: { replicas: REPLICAS } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await world.k8s.waitForRolloutComplete(NS, 'shop-green', 60_000);
      await world.k8s.waitForRolloutComplete(NS, 'shop-blue', 60_000);
      const id = `shop-bad-${i}`;
      await record(id, BAD, 'green', 'failed', i + 1);
      const posted = planPosted(world.slack, id);
      await sendCommand(world.slack, `--failed-deployment-id ${id} --reason "bench cycle"`); // production needs a reason (requireReasonIn)
      const plan = await posted;
      const blocks = JSON.stringify(world.slack.findMessage(CHANNEL, plan.ts)?.blocks);
      const runId = /Run `(rb-[a-z0-9]+)`/.exec(blocks)?.[1];
      if (!runId || !blocks.includes('rollback_approve') || !blocks.includes('Switch Service'))
        throw new Error(`the plan for ${id} is not an approvable instant switch`);
      const switchedAt = new Promise<number>((resolve) => {
        const stop = world.k8s.onChange((c) => {
          if (c.resource === 'services' && (c.object as KubeService).spec?.selector?.['slot'] === 'blue') {
            stop();
            resolve(performance.now());
          }
        });
      });
      const settled = planSettled(world.slack, plan.ts);
      const clickAt = performance.now();
      const clickEpoch = Date.now();
      await world.slack.clickButton({
        userId: USERS.approver,
        channelId: CHANNEL,
        messageTs: plan.ts,
        actionId: 'rollback_approve',
        value: runId,
        force: true,
      });
      switched.push((await switchedAt) - clickAt);
      if ((await settled).outcome !== 'succeeded') throw new Error(`blue-green rollback ${runId} did not succeed`);
      const view = await world.api('GET', `/api/v1/rollbacks/${runId}`);
      const succeeded = (view.json.timeline as Array<{ type: string; at: string }>).find((e) => e.type === 'succeeded');
      verified.push(Date.parse(succeeded!.at) - clickEpoch);
    }
    log(`  ${o.cycles} blue-green switches (${REPLICAS} warm replicas per side)`);
    const s = summarize(switched);
    const v = summarize(verified);
    return [
      {
        id: 'bg-switched',
        metric: 'blue-green: click → traffic switched',
        unit: 'ms',
        summary: s,
        target: '',
        verdict: '',
        note: 'the Service selector changed in the API server',
        samples: switched,
      },
      {
        id: 'bg-verified',
        metric: 'blue-green: click → switched and verified',
        unit: 'ms',
        summary: v,
        target: '< 1 s',
        verdict: v.p99 < 1_000 ? 'met' : 'missed',
        note: 'run recorded succeeded (bot clock, ms)',
        samples: verified,
      },
    ];
  } finally {
    await world.close();
  }
}
