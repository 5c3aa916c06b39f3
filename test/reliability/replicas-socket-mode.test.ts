// Three bot processes on one PostgreSQL in Socket Mode: each replica opens its own connection, and
// Slack hands every envelope (a slash command, a button click) to one of them — here in turn, so the
// command that makes a plan and the click that approves it reach different replicas. The outcome is
// the same whichever replica gets an envelope: the plan, an approval taken on another replica, the
// rollback executed once, and the same answer to a usage error from each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../support/bot-harness.js';
import { deploymentRecords, failedDeploymentId, realWritesTo, seedServices, servicesCatalog, type ServiceFixture } from '../support/multi-service.js';
import { startReplicaWorld, type ReplicaWorld } from '../support/replica-world.js';
import { clickDecision, runIdOf, sendCommand, waitForPlanFor, waitForPlanState } from '../support/slack-flow.js';
import type { FakeSocketMode } from '../../sandbox/slack/fake-socket-mode.js';

const service = (name: string, namespace: string): ServiceFixture => ({
  name,
  namespace,
  components: [`${namespace}-api`, `${namespace}-worker`],
  versions: ['v1.0.0', 'v1.1.0', 'v1.2.0'],
  replicas: 2,
});
const SERVICES = [service('sock-a', 'sa'), service('sock-b', 'sb'), service('sock-c', 'sc')];

let rw: ReplicaWorld;
let socket: FakeSocketMode;

beforeAll(async () => {
  rw = await startReplicaWorld(3, { catalog: servicesCatalog(SERVICES), podStartMs: 100, tickMs: 10, leaseSeconds: 2, socketMode: true });
  socket = rw.world.socketMode!;
  // Each replica has opened its connection once started; wait until all three are in Slack's rotation.
  await rw.world.slack.waitFor(() => socket.openConnections === 3 || undefined, 15_000, 'three Socket Mode connections');
  seedServices(rw.world.k8s, SERVICES);
  for (const body of SERVICES.flatMap(deploymentRecords)) expect((await rw.api('POST', '/api/v1/deployments', body)).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await rw?.close();
});

/** The connection the envelope sent by `send` went to, and what `send` returned. */
async function deliveredOn<T>(send: () => Promise<T>): Promise<{ connection: number; answer: T }> {
  const before = socket.deliveries.length;
  const answer = await send();
  const sent = socket.deliveries.slice(before);
  expect(sent).toHaveLength(1);
  return { connection: sent[0]!.connection, answer };
}

describe('three replicas in Socket Mode, one connection each', () => {
  it('make a plan on one replica, take its approval on another, and execute it once, whichever replicas get the envelopes', async () => {
    const handled: Array<{ command: number; approval: number }> = [];
    for (const s of SERVICES) {
      const command = await deliveredOn(() => sendCommand(rw.world.slack, `--failed-deployment-id ${failedDeploymentId(s)}`));
      expect(command.answer.body).toContain('Building a rollback plan');
      const plan = await waitForPlanFor(rw.world.slack, failedDeploymentId(s));
      const approval = await deliveredOn(() => clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver));
      expect(approval.answer.status).toBe(200);
      handled.push({ command: command.connection, approval: approval.connection });

      await waitForPlanState(rw.world.slack, plan, /Rolled back/, 30_000);
      expect((await rw.store.getRun(runIdOf(plan)))?.status).toBe('succeeded');
      const timeline = (await rw.store.timeline(runIdOf(plan))).map((e) => e.type);
      expect(timeline.filter((t) => t === 'approved')).toHaveLength(1);
      for (const component of s.components) expect(realWritesTo(rw.world.k8s, s.namespace, component)).toHaveLength(1);
    }
    // The approval always reached another replica than the command, and every replica took both kinds.
    for (const h of handled) expect(h.approval).not.toBe(h.command);
    expect(new Set(handled.map((h) => h.command)).size).toBe(3);
    expect(new Set(handled.map((h) => h.approval)).size).toBe(3);
    // No replica reconnected meanwhile: three connections, three processes.
    expect(socket.connectionsOpened).toBe(3);
  }, 90_000);

  it('answer a usage error the same way on every replica, in the envelope ack', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await deliveredOn(() => sendCommand(rw.world.slack, '--failed-deployment-id')));
    expect(new Set(answers.map((a) => a.connection)).size).toBe(3);
    for (const a of answers) expect(a.answer.body).toContain('needs a value');
    expect(new Set(answers.map((a) => a.answer.body)).size).toBe(1);
  }, 30_000);
});
