// Gradual: traffic moves to the side that runs the target by replica ratio behind one Service,
// 25 → 50 → 75 → 100 %, each step gated on readiness (no pause, so the figure is the bot's own cost plus
// the pods starting). Measured from the approve click to 100 % shifted (the failed side at 0 and the
// target side at every replica in the API server) and to shifted-and-verified (the run recorded `succeeded`).
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { Deployment } from '../../sandbox/kubernetes/kubernetes-emulator.js';
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

const NS = 'gradual';
const GOOD = 'v1.1.0';
const BAD = 'v1.2.0';
const REPLICAS = 4;

const CATALOG = `
services:
  shop:
    environment: production
    channel: ${CHANNEL}
    kubernetes:
      namespace: ${NS}
      deployments: [shop-blue, shop-green]
      blueGreen: { service: shop, label: slot }
      gradual: { steps: [25, 50, 75, 100], pauseSeconds: 0, gateSeconds: 30 }
    verification:
      timeoutSeconds: 20
    history: { keep: 1000 }
    approvals:
      approvers: [${APPROVERS.join(', ')}]
      required: 1
`;

export async function benchGradual(entry: string, o: { cycles: number } & ClusterTiming & BotRuntime, log: (line: string) => void): Promise<Row[]> {
  const world = await startScenarioWorld(CATALOG, o);
  try {
    for (const [side, version, replicas] of [
      ['blue', GOOD, 0],
      ['green', BAD, REPLICAS],
    ] as const) {
      world.k8s.seedDeployment({
        namespace: NS,
        name: `shop-${side}`,
        labels: { app: 'shop', slot: side },
        replicas,
        containers: [{ name: 'shop', image: IMAGE('shop', version) }],
      });
    }
    // One Service over both sides' pods: the replica ratio is the traffic ratio.
    world.k8s.seedService({ namespace: NS, name: 'shop', selector: { app: 'shop' } });
    await world.start({ entry });
    const apps = appsClient(world.k8s);
    const scale = (name: string, replicas: number) =>
      apps.patchNamespacedDeploymentScale(
        { name, namespace: NS, body: { spec: { replicas } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    const record = (id: string, version: string, side: string, status: string, minutes: number) =>
      recordShopDeployment(world, { id, version, side, status, minutes, replicas: REPLICAS });
    await record('shop-good', GOOD, 'blue', 'succeeded', 0);

    const shifted: number[] = [];
    const verified: number[] = [];
    for (let i = 0; i < o.cycles; i++) {
      // Back to the incident: every pod on green (the bad version), blue at 0.
      await scale('shop-green', REPLICAS);
      await scale('shop-blue', 0);
      await world.k8s.waitForRolloutComplete(NS, 'shop-green', 60_000);
      await world.k8s.waitForRolloutComplete(NS, 'shop-blue', 60_000);
      const id = `shop-bad-${i}`;
      await record(id, BAD, 'green', 'failed', i + 1);
      const posted = planPosted(world.slack, id);
      await sendCommand(world.slack, `--failed-deployment-id ${id} --reason "bench cycle"`); // production needs a reason (requireReasonIn)
      const plan = await posted;
      const blocks = JSON.stringify(world.slack.findMessage(CHANNEL, plan.ts)?.blocks);
      const runId = /Run `(rb-[a-z0-9]+)`/.exec(blocks)?.[1];
      if (!runId || !blocks.includes('rollback_approve') || !blocks.includes('100 %:'))
        throw new Error(`the plan for ${id} is not an approvable gradual shift`);
      const shiftedAt = new Promise<number>((resolve) => {
        const sides = new Map<string, number>();
        const stop = world.k8s.onChange((c) => {
          if (c.resource !== 'deployments' || c.object.metadata.namespace !== NS) return;
          const d = c.object as Deployment;
          sides.set(d.metadata.name, d.metadata.name === 'shop-blue' ? (d.status?.readyReplicas ?? 0) : (d.spec?.replicas ?? 1));
          if (sides.get('shop-blue') === REPLICAS && sides.get('shop-green') === 0) {
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
      shifted.push((await shiftedAt) - clickAt);
      if ((await settled).outcome !== 'succeeded') throw new Error(`gradual rollback ${runId} did not succeed`);
      const view = await world.api('GET', `/api/v1/rollbacks/${runId}`);
      const succeeded = (view.json.timeline as Array<{ type: string; at: string }>).find((e) => e.type === 'succeeded');
      verified.push(Date.parse(succeeded!.at) - clickEpoch);
    }
    log(`  ${o.cycles} gradual shifts (${REPLICAS} replicas, 4 gated steps, pods start in ${o.podStartMs} ms)`);
    const s = summarize(shifted);
    const v = summarize(verified);
    return [
      {
        id: 'gradual-shifted',
        metric: 'gradual: click → 100 % shifted',
        unit: 'ms',
        summary: s,
        target: '',
        verdict: '',
        note: `4 steps, each waits for ${o.podStartMs} ms pod starts and its gate`,
        samples: shifted,
      },
      {
        id: 'gradual-verified',
        metric: 'gradual: click → 100 % shifted and verified',
        unit: 'ms',
        summary: v,
        target: '',
        verdict: '',
        note: 'run recorded succeeded (bot clock, ms)',
        samples: verified,
      },
    ];
  } finally {
    await world.close();
  }
}
