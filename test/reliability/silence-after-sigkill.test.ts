// A silence survives a SIGKILL exactly as the run does: the bot (a real process, the production
// bundle) is killed in the middle of a rollout while its Alertmanager silence is active; the next
// start resumes the run, reuses that one silence (no second one) and ends it after the verified
// success. No silence is left behind and none is duplicated.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeAlertmanager, type FakeAlertmanager } from '../../sandbox/alertmanager/fake-alertmanager.js';
import { USERS } from '../support/bot-harness.js';
import { bundleBot, type BotBundle } from '../support/bot-bundle.js';
import { peekRun } from '../support/db-peek.js';
import { eventually } from '../support/eventually.js';
import { deploymentRecords, failedDeploymentId, realWritesTo, seedServices, servicesCatalog, type ServiceFixture } from '../support/multi-service.js';
import { startProcessWorld, type ProcessWorld } from '../support/process-world.js';
import { clickDecision, runIdOf, sendCommand, waitForPlanFor, waitForPlanState } from '../support/slack-flow.js';

const S: ServiceFixture = {
  name: 'silenced',
  namespace: 'sl',
  components: ['sl-api', 'sl-worker'],
  versions: ['v1.0.0', 'v1.1.0', 'v1.2.0'],
  replicas: 2,
};

let world: ProcessWorld;
let bundle: BotBundle;
let am: FakeAlertmanager;

beforeAll(async () => {
  am = await startFakeAlertmanager();
  bundle = await bundleBot();
  const catalog = servicesCatalog([S]).replace(
    '    approvals:\n',
    `    alertmanager: { url: "${am.url}", matchers: [{ name: service, value: ${S.name} }] }\n    approvals:\n`,
  );
  // Pods take 300 ms to start, so a two-replica rollout lasts about a second: long enough to kill it midway.
  world = await startProcessWorld({ catalog, podStartMs: 300, tickMs: 10, env: { RUN_LEASE_SECONDS: '2' } });
  seedServices(world.k8s, [S]);
  await world.start({ entry: bundle.entry });
  for (const body of deploymentRecords(S)) expect((await world.api('POST', '/api/v1/deployments', body)).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await world?.kill('SIGTERM');
  await world?.close();
  await am?.close();
  bundle?.dispose();
});

it('SIGKILL mid-rollout with the silence active: the resumed run reuses it and ends it after the verified success', async () => {
  expect((await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(S)}`)).status).toBe(200);
  const plan = await waitForPlanFor(world.slack, failedDeploymentId(S));
  const runId = runIdOf(plan);
  const api = S.components[0]!;
  const killed = new Promise<void>((resolve) => {
    const stop = world.k8s.onChange((c) => {
      const status = (c.object as { status?: { updatedReplicas?: number; replicas?: number } }).status;
      if (
        world.bot &&
        c.resource === 'deployments' &&
        c.object.metadata.name === api &&
        status?.updatedReplicas === 1 &&
        (status.replicas ?? 0) > 1
      ) {
        process.kill(world.bot.pid, 'SIGKILL');
        stop();
        resolve();
      }
    });
  });
  expect((await clickDecision(world.slack, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
  await killed;
  await world.kill('SIGKILL');

  // Killed mid-rollout: the silence is in force, and names the run.
  expect(am.silences()).toMatchObject([{ state: 'active', createdBy: 'smartspec-rollback' }]);
  expect(am.silences()[0]!.comment).toContain(runId);

  await world.start({ entry: bundle.entry });
  await waitForPlanState(world.slack, plan, /Rolled back/, 30_000);
  await am.waitFor(() => am.silences().every((s) => s.state === 'expired'), 10_000, 'the silence ended after the resumed run');
  expect(am.silences()).toHaveLength(1); // reused on resume, never duplicated
  expect(am.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  // Alertmanager ends the silence a moment before the bot records that it did: wait for the record.
  const timeline = await eventually(
    async () => {
      const types = peekRun(world.databasePath, runId)!.timeline.map((e) => e.type);
      return types.includes('silence_expired') ? types : undefined;
    },
    10_000,
    'the silence_expired record',
  );
  expect(timeline).toEqual(expect.arrayContaining(['silence_created', 'resumed', 'succeeded', 'silence_expired']));
  expect(timeline.indexOf('silence_expired')).toBeGreaterThan(timeline.indexOf('succeeded'));
  for (const component of S.components) expect(realWritesTo(world.k8s, S.namespace, component)).toHaveLength(1);
  await eventually(async () => peekRun(world.databasePath, runId)?.status === 'succeeded', 5_000, 'the run succeeded');
});
