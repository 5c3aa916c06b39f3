// Random approve / reject clicks (a Reject opens the reason modal, which is then submitted),
// delivered once, twice at the same moment, or redelivered as Slack retries — over 30 waiting runs,
// through three bot processes on one PostgreSQL behind one address, so the two copies of a duplicate,
// a click and its retry, a Reject and its modal's submission usually reach different replicas.
// Whatever the order and whichever replica answers: every run executes at most once, only with
// enough distinct approvers, along legal transitions, and no click ends in an internal error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_STATUSES, type RunStatus } from '../../src/core/model.js';
import { canTransition } from '../../src/core/run-machine.js';
import type { SlackDelivery } from '../../sandbox/slack/slack-app-delivery.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import { CHANNEL, USERS } from '../support/bot-harness.js';
import { clickSchedule } from '../support/click-schedule.js';
import { eventually } from '../support/eventually.js';
import { deploymentRecords, failedDeploymentId, realWritesTo, seedServices, servicesCatalog, type ServiceFixture } from '../support/multi-service.js';
import { createPrng, suiteSeed } from '../support/prng.js';
import { startReplicaWorld, type ReplicaWorld } from '../support/replica-world.js';
import { runIdOf, sendCommand, waitForPlanFor } from '../support/slack-flow.js';

const RUNS = 30;
const CLICKS = 1_000;
const CONCURRENCY = 6;
const SEED = suiteSeed(20_261_207);
const NAMESPACE = 'rdc';
const VALID_APPROVERS = [USERS.approver, USERS.second, USERS.groupMember];

const services: ServiceFixture[] = Array.from({ length: RUNS }, (_, i) => ({
  name: `rdc-${i}`,
  namespace: NAMESPACE,
  components: [`rdc-${i}-api`],
  versions: ['v1.0.0', 'v1.1.0'],
  replicas: 1,
  highRisk: i % 2 === 0,
}));

let rw: ReplicaWorld;
const plans: FakeSlackMessage[] = [];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The modal a Reject click opened (its view id), or undefined when a replica answered with a refusal instead. */
async function modalOrAnswer(triggerId: string, responseUrl: string | undefined): Promise<string | undefined> {
  const outcome = await rw.world.slack.waitFor(
    () => {
      const view = rw.world.slack.views.find((v) => v.triggerId === triggerId);
      if (view) return { view: view.id };
      const answered = rw.world.slack.responses.find((r) => r.url === responseUrl && r.posts.length > 0);
      return answered ? { view: undefined } : undefined;
    },
    10_000,
    'the reject modal or a refusal',
  );
  return outcome.view;
}

beforeAll(async () => {
  rw = await startReplicaWorld(3, { catalog: servicesCatalog(services), leaseSeconds: 2, logLevel: 'info' });
  seedServices(rw.world.k8s, services);
  for (const s of services) for (const body of deploymentRecords(s)) expect((await rw.api('POST', '/api/v1/deployments', body)).status).toBe(201);
  for (const s of services) await sendCommand(rw.world.slack, `--failed-deployment-id ${failedDeploymentId(s)}`);
  for (const s of services) plans.push(await waitForPlanFor(rw.world.slack, failedDeploymentId(s)));
}, 120_000);

afterAll(async () => {
  await rw?.close();
});

describe(`${CLICKS} random decision clicks over ${RUNS} runs across three replicas (seed ${SEED})`, () => {
  it('execute each run at most once, only with enough approvals, along legal transitions, whichever replica answers', async () => {
    const prng = createPrng(SEED);
    const schedule = clickSchedule(prng, RUNS, CLICKS, { approvers: VALID_APPROVERS, requester: USERS.requester, outsider: USERS.outsider });
    const deliveries: SlackDelivery[] = [];
    const lastDelivery = new Map<number, SlackDelivery>();
    let next = 0;
    const worker = async (jitter: ReturnType<typeof createPrng>) => {
      while (next < schedule.length) {
        const click = schedule[next++]!;
        await pause(jitter.int(0, 3));
        const plan = plans[click.run]!;
        const previous = lastDelivery.get(click.run);
        if (click.delivery === 'retry' && previous) {
          deliveries.push(await rw.world.slack.redeliver(previous));
          continue;
        }
        const send = () =>
          rw.world.slack.clickButton({
            userId: click.user,
            channelId: CHANNEL,
            messageTs: plan.ts,
            actionId: click.action,
            value: runIdOf(plan),
            force: true,
          });
        const sent = await Promise.all(click.delivery === 'duplicate' ? [send(), send()] : [send()]);
        deliveries.push(...sent);
        lastDelivery.set(click.run, sent[0]!);
        if (click.action !== 'rollback_reject') continue;
        for (const delivery of sent) {
          const modal = await modalOrAnswer(delivery.triggerId, delivery.responseUrl);
          if (!modal) continue;
          await pause(jitter.int(0, 10));
          deliveries.push(
            await rw.world.slack.submitView({
              viewId: modal,
              userId: click.user,
              values: { reason: { reason_input: `random reason ${jitter.int(0, 9999)}` } },
            }),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(prng.fork())));
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
    // Every replica took part.
    for (const replica of rw.replicas) expect(rw.proxy.answered.get(replica.url) ?? 0).toBeGreaterThan(0);

    await eventually(
      async () => {
        for (const plan of plans) {
          const run = await rw.store.getRun(runIdOf(plan));
          if (!run || ['approved', 'executing', 'verifying'].includes(run.status)) return false;
        }
        return true;
      },
      60_000,
      'every approved run to finish',
    );

    const outcomes: Record<string, number> = {};
    for (const [i, plan] of plans.entries()) {
      const s = services[i]!;
      const run = (await rw.store.getRun(runIdOf(plan)))!;
      const where = `run ${i} (${s.name}, ${run.plan.risk}, ${run.status}, seed ${SEED})`;
      outcomes[run.status] = (outcomes[run.status] ?? 0) + 1;
      const path = (await rw.store.timeline(run.id))
        .map((e) => e.type)
        .filter((t): t is RunStatus => (RUN_STATUSES as readonly string[]).includes(t));
      let from: RunStatus = 'awaiting_approval';
      for (const to of path) {
        expect(canTransition(from, to), `${where}: ${from} → ${to}`).toBe(true);
        from = to;
      }
      expect(from, where).toBe(run.status);
      expect(['succeeded', 'rejected', 'awaiting_approval'], where).toContain(run.status);
      const executed = path.includes('executing');
      expect(path.filter((t) => t === 'executing').length, where).toBeLessThanOrEqual(1);
      expect(realWritesTo(rw.world.k8s, NAMESPACE, s.components[0]).length, where).toBe(executed ? 1 : 0);
      const approvers = run.approvals.map((a) => a.userId);
      expect(new Set(approvers).size, where).toBe(approvers.length);
      for (const user of approvers) expect(VALID_APPROVERS, where).toContain(user);
      expect(approvers, where).not.toContain(run.requestedBy.id);
      if (path.includes('approved')) expect(approvers.length, where).toBeGreaterThanOrEqual(run.plan.requiredApprovals);
      if (run.status === 'awaiting_approval') expect(approvers.length, where).toBeLessThan(run.plan.requiredApprovals);
    }
    expect(Object.keys(outcomes).length, JSON.stringify(outcomes)).toBeGreaterThan(1);
    // No click ended in an internal error on any replica: every refusal was an explanation.
    const internal = rw.world.slack.responses.filter((r) => r.posts.some((p) => /Something went wrong/.test(JSON.stringify(p.body))));
    expect(internal.map((r) => JSON.stringify(r.posts[0]?.body).slice(0, 200))).toEqual([]);
  }, 180_000);
});
