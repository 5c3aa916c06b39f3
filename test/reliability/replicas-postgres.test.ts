// Three bot processes on one PostgreSQL database, behind one address that spreads requests across
// them (test/support/replica-world.ts). Any replica answers any request with the same outcome; the
// replica holding a run is SIGKILLed mid-rollout and another finishes it without rewriting a step;
// the holder is SIGSTOPped past its lease, another finishes the run, and the woken one records and
// writes nothing (fencing). Each case has its own service, so the cases cannot disturb each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIncidentWebhook, sendWebhook } from '../../sandbox/pagerduty/webhook-sender.js';
import type { BotProcess } from '../support/bot-process.js';
import { CHANNEL, PD_WEBHOOK_SECRET, USERS } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { deploymentRecords, failedDeploymentId, realWritesTo, seedServices, servicesCatalog, type ServiceFixture } from '../support/multi-service.js';
import { startReplicaWorld, type ReplicaWorld } from '../support/replica-world.js';
import { clickDecision, runIdOf, sendCommand, waitForPlanFor, waitForPlanState } from '../support/slack-flow.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';

const service = (name: string, namespace: string): ServiceFixture => ({
  name,
  namespace,
  components: [`${namespace}-api`, `${namespace}-worker`],
  versions: ['v1.0.0', 'v1.1.0', 'v1.2.0'],
  replicas: 2,
});

const S = {
  a: service('rep-a', 'ra'),
  b: service('rep-b', 'rb'),
  c: service('rep-c', 'rc'),
  race: service('rep-race', 'rx'),
  kill: service('rep-kill', 'rk'),
  stop: service('rep-stop', 'rs'),
  pd: service('rep-pd', 'rp'),
};
/** rep-pd is mapped to a PagerDuty service: its incidents prompt a plan. */
const catalog = servicesCatalog(Object.values(S)).replace(
  '  rep-pd:\n    environment: production\n',
  '  rep-pd:\n    environment: production\n    pagerduty: { services: [PREPPD1] }\n',
);
const LEASE_SECONDS = 2;

let rw: ReplicaWorld;

beforeAll(async () => {
  // Pods take 300 ms to start, so a two-replica rollout lasts about a second: long enough to act midway.
  rw = await startReplicaWorld(3, { catalog, podStartMs: 300, tickMs: 10, leaseSeconds: LEASE_SECONDS });
  seedServices(rw.world.k8s, Object.values(S));
  for (const s of Object.values(S)) {
    for (const body of deploymentRecords(s)) expect((await rw.api('POST', '/api/v1/deployments', body)).status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await rw?.close();
});

async function planFor(s: ServiceFixture): Promise<FakeSlackMessage> {
  expect((await sendCommand(rw.world.slack, `--failed-deployment-id ${failedDeploymentId(s)}`)).status).toBe(200);
  return waitForPlanFor(rw.world.slack, failedDeploymentId(s));
}

async function timelineTypes(runId: string): Promise<string[]> {
  return (await rw.store.timeline(runId)).map((e) => e.type);
}

/** Acts on the replica holding the run the moment its first component is halfway rolled out. */
function onHolderMidRollout(s: ServiceFixture, runId: string, act: (holder: BotProcess) => void): Promise<BotProcess> {
  const api = s.components[0]!;
  return new Promise((resolve, reject) => {
    let done = false;
    const stop = rw.world.k8s.onChange((c) => {
      const status = (c.object as { status?: { updatedReplicas?: number; replicas?: number } }).status;
      if (done || c.resource !== 'deployments' || c.object.metadata.name !== api || status?.updatedReplicas !== 1 || (status.replicas ?? 0) <= 1)
        return;
      done = true;
      stop();
      rw.holderOf(runId)
        .then((holder) => {
          if (!holder) throw new Error(`no live replica holds ${runId} mid-rollout`);
          act(holder);
          resolve(holder);
        })
        .catch(reject);
    });
  });
}

describe('three replicas on one PostgreSQL', () => {
  it('answer any request: plans made and approved through whichever replica the address picks execute once', async () => {
    for (const s of [S.a, S.b, S.c]) {
      const plan = await planFor(s);
      expect((await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
      await waitForPlanState(rw.world.slack, plan, /Rolled back/, 30_000);
      expect((await rw.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.status).toBe('succeeded');
      for (const component of s.components) expect(realWritesTo(rw.world.k8s, s.namespace, component)).toHaveLength(1);
    }
    // Every replica answered some of it (round robin over 18 deployment records, 3 commands, 3 clicks, 3 API reads).
    for (const replica of rw.replicas) expect(rw.proxy.answered.get(replica.url) ?? 0).toBeGreaterThan(0);
  }, 90_000);

  it('act once on a PagerDuty webhook delivered to every replica at the same moment (redeliveries)', async () => {
    rw.world.pagerDuty.addIncident({ id: 'PINCREP', title: 'rep-pd 5xx', serviceId: 'PREPPD1' });
    const body = buildIncidentWebhook({
      eventId: 'evt-rep-1',
      type: 'incident.triggered',
      occurredAt: '2026-11-12T09:30:00Z',
      incident: {
        id: 'PINCREP',
        title: 'rep-pd error rate above 5%',
        serviceId: 'PREPPD1',
        htmlUrl: 'https://example.pagerduty.com/incidents/PINCREP',
      },
    });
    const answers = await Promise.all(rw.replicas.map((r) => sendWebhook({ url: `${r.url}/pagerduty/webhook`, secret: PD_WEBHOOK_SECRET, body })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    await waitForPlanFor(rw.world.slack, failedDeploymentId(S.pd));
    // Every replica has answered its delivery: one acted on it, the others recognised it in the database.
    await eventually(
      async () =>
        (await rw.store.runsForIncident('PINCREP')).length === 1 &&
        rw.replicas.every((r) => r.lines.some((l) => l.includes('PagerDuty event handled') && l.includes('evt-rep-1'))),
      15_000,
      'all three deliveries handled',
    );
    expect(rw.world.slack.messagesIn(CHANNEL).filter((m) => JSON.stringify(m.blocks ?? []).includes(failedDeploymentId(S.pd)))).toHaveLength(1);
    expect(await rw.store.runsForIncident('PINCREP')).toHaveLength(1);
  }, 90_000);

  it('settle 20 simultaneous approve and reject clicks, spread across replicas, into one decision, executed at most once', async () => {
    const plan = await planFor(S.race);
    const runId = runIdOf(plan);
    const clicks = Array.from({ length: 20 }, (_, i) =>
      clickDecision(rw.world.slack, plan, i % 2 ? 'rollback_approve' : 'rollback_reject', i % 4 < 2 ? USERS.approver : USERS.second),
    );
    for (const answer of await Promise.all(clicks)) expect(answer.status).toBe(200);
    const final = await eventually(
      async () => {
        const run = await rw.store.getRun(runId);
        return run && ['succeeded', 'rejected'].includes(run.status) ? run : undefined;
      },
      30_000,
      'the run decided and finished',
    );
    const types = await timelineTypes(runId);
    const decisions = types.filter((t) => t === 'approved' || t === 'rejected');
    expect(decisions).toHaveLength(1);
    const writes = S.race.components.map((c) => realWritesTo(rw.world.k8s, S.race.namespace, c).length);
    expect(writes).toEqual(final.status === 'succeeded' ? [1, 1] : [0, 0]);
    if (final.status === 'succeeded') expect(decisions).toEqual(['approved']);
  }, 90_000);

  it('finish a rollback on another replica when the one holding it is SIGKILLed mid-rollout, no step rewritten', async () => {
    const plan = await planFor(S.kill);
    const runId = runIdOf(plan);
    const killed = onHolderMidRollout(S.kill, runId, (holder) => process.kill(holder.pid, 'SIGKILL'));
    await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver);
    const holder = await killed;
    rw.remove(holder);
    await holder.exited;
    const before = await timelineTypes(runId);
    expect(before).toContain('executing');

    const run = await eventually(
      async () => {
        const r = await rw.store.getRun(runId);
        return r?.status === 'succeeded' ? r : undefined;
      },
      30_000,
      'the run finished by another replica',
    );
    const after = await timelineTypes(runId);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toContain('resumed');
    expect(after).not.toContain('interrupted');
    for (const component of S.kill.components) expect(realWritesTo(rw.world.k8s, S.kill.namespace, component)).toHaveLength(1);
    expect(run.stepResults.map((r) => r.status)).toEqual(run.plan.steps.map(() => 'done'));
    await waitForPlanState(rw.world.slack, plan, /Rolled back/, 15_000);
  }, 90_000);

  it('let nothing through from a replica paused past its lease: another finishes the run, the woken one writes nothing', async () => {
    const plan = await planFor(S.stop);
    const runId = runIdOf(plan);
    const stopped = onHolderMidRollout(S.stop, runId, (holder) => process.kill(holder.pid, 'SIGSTOP'));
    await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver);
    const holder = await stopped;
    // Out of rotation while stopped: a request sent to it would only hang until it wakes.
    rw.remove(holder);
    try {
      await eventually(async () => (await rw.store.getRun(runId))?.status === 'succeeded', 30_000, 'the run finished by another replica');
    } finally {
      process.kill(holder.pid, 'SIGCONT');
    }
    const recorded = await rw.store.timeline(runId);
    const writes = S.stop.components.map((c) => realWritesTo(rw.world.k8s, S.stop.namespace, c).length);
    expect(writes).toEqual([1, 1]);

    // The woken replica finds out at its next renewal or write, says so, and counts it.
    await eventually(
      async () => holder.lines.some((l) => l.includes('lost the run lease') && l.includes(runId)),
      15_000,
      'the woken replica to notice its lost lease',
    );
    const metrics = await (await fetch(`${holder.url}/metrics`)).text();
    const losses = metrics
      .split('\n')
      .filter((l) => l.startsWith('smartspec_lease_losses_total{'))
      .map((l) => Number(l.split(' ').at(-1)));
    expect(losses.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // Once it knows, nothing it held back reached the store or the cluster.
    expect(await rw.store.timeline(runId)).toEqual(recorded);
    expect(S.stop.components.map((c) => realWritesTo(rw.world.k8s, S.stop.namespace, c).length)).toEqual([1, 1]);
    expect((await rw.store.getRun(runId))?.status).toBe('succeeded');
    rw.proxy.backends.push(holder.url);
  }, 90_000);
});
