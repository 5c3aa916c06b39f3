// The replica holding a run is SIGKILLed at each step of it, with three bot processes on one
// PostgreSQL behind one address (test/support/replica-world.ts): approved before the first write,
// between two steps of a blue-green plan, during verification, mid-rollout while someone changes
// the cluster, and while a database migration runs (its effect cannot be read back: not run again). Another replica claims the run once the lease expires (RUN_LEASE_SECONDS=2) and
// finishes it without rewriting a step (each cluster object written once, nothing recorded before the
// kill changed) — or, when the cluster moved, stops it as interrupted and says what it found. A
// replacement replica is started after each kill, as Kubernetes would, so three stay in rotation.
// (Killed mid-rollout with an untouched cluster: test/reliability/replicas-postgres.test.ts.)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotProcess } from '../support/bot-process.js';
import { IMAGE, USERS } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { startHoldServer, type HoldServer } from '../support/hold-server.js';
import { deploymentRecords, failedDeploymentId, realWritesTo, seedServices, servicesCatalog, type ServiceFixture } from '../support/multi-service.js';
import { startReplicaWorld, type ReplicaWorld } from '../support/replica-world.js';
import { clickDecision, runIdOf, sendCommand, waitForPlanFor, waitForPlanState } from '../support/slack-flow.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import type { Run } from '../../src/core/model.js';

const LEASE_SECONDS = 2;
const service = (
  name: string,
  namespace: string,
  components = [`${namespace}-api`, `${namespace}-worker`],
  verification?: string,
): ServiceFixture => ({
  name,
  namespace,
  components,
  versions: ['v1.0.0', 'v1.1.0', 'v1.2.0'],
  replicas: 2,
  ...(verification ? { verification } : {}),
});

let rw: ReplicaWorld;
let hold: HoldServer;
let S: Record<'approved' | 'between' | 'verifying' | 'moved' | 'database', ServiceFixture>;
/** kp-database's database tool (test/fixtures/bin/fake-db): its calls are logged, and a down migration waits for the hold file. */
const FAKE_DB = join(import.meta.dirname, '..', 'fixtures', 'bin', 'fake-db');
let dbDir: string;
const dbLog = () => join(dbDir, 'db.log');
const dbHold = () => join(dbDir, 'release');

/** kp-between is blue-green: the idle blue side is cold, so the plan is scale blue up → switch the Service → scale green down. */
function blueGreen(catalog: string, s: ServiceFixture): string {
  const [blue, green] = s.components as [string, string];
  return catalog.replace(
    `      deployments: [${blue}, ${green}]\n      core: [${blue}]\n`,
    `      deployments: [${blue}, ${green}]\n      blueGreen: { service: ${s.name}, label: slot }\n`,
  );
}

/** kp-database backs up the database and migrates down before rolling the application back. */
function withDatabase(catalog: string, s: ServiceFixture): string {
  const tool = (...args: string[]) => `[${[FAKE_DB, `--log=${dbLog()}`, ...args].map((a) => JSON.stringify(a)).join(', ')}]`;
  const block = `    database:\n      backup: ${tool('backup', '{service}', '{runId}')}\n      migrateDown: ${tool(`--hold=${dbHold()}`, 'down', '{migration}')}\n      timeoutSeconds: 60\n`;
  return catalog.replace(`  ${s.name}:\n    environment: production\n`, `  ${s.name}:\n    environment: production\n${block}`);
}

function seedBlueGreen(s: ServiceFixture): void {
  const [blue, green] = s.components as [string, string];
  rw.world.k8s.seedDeployment({
    namespace: s.namespace,
    name: blue,
    labels: { app: s.name, slot: 'blue' },
    replicas: 0,
    containers: [{ name: 'app', image: IMAGE(s.name, 'v1.1.0') }],
  });
  rw.world.k8s.seedDeployment({
    namespace: s.namespace,
    name: green,
    labels: { app: s.name, slot: 'green' },
    replicas: 2,
    containers: [{ name: 'app', image: IMAGE(s.name, 'v1.2.0') }],
  });
  rw.world.k8s.seedService({ namespace: s.namespace, name: s.name, selector: { app: s.name, slot: 'green' } });
}

function blueGreenRecords(s: ServiceFixture): Array<Record<string, unknown>> {
  const [blue, green] = s.components as [string, string];
  const record = (i: number, version: string, side: string, status: string) => ({
    id: `${s.name}-deploy-${i}`,
    service: s.name,
    environment: 'production',
    version,
    status,
    createdBy: 'ci',
    createdAt: new Date(Date.UTC(2026, 10, 10 + i, 9)).toISOString(),
    components: { [side]: { image: IMAGE(s.name, version), replicas: 2 } },
    migrations: [],
    verification: { smoke: true },
  });
  return [record(1, 'v1.1.0', blue, 'succeeded'), record(2, 'v1.2.0', green, 'failed')];
}

beforeAll(async () => {
  hold = await startHoldServer();
  S = {
    approved: service('kp-approved', 'pa'),
    between: service('kp-between', 'pb', ['pb-blue', 'pb-green']),
    verifying: service(
      'kp-verifying',
      'pv',
      undefined,
      `    verification:\n      http: [{ url: "${hold.url}/healthz", status: 200 }]\n      timeoutSeconds: 60`,
    ),
    moved: service('kp-moved', 'pm'),
    // A reversible migration in the failed deploy: a database step, and HIGH risk (two approvers).
    database: { ...service('kp-database', 'pd'), highRisk: true },
  };
  dbDir = mkdtempSync(join(tmpdir(), 'kill-points-db-'));
  const plain = [S.approved, S.verifying, S.moved, S.database];
  // Pods take 300 ms to start, so a two-replica rollout lasts about a second: long enough to act midway.
  rw = await startReplicaWorld(3, {
    catalog: withDatabase(blueGreen(servicesCatalog(Object.values(S)), S.between), S.database),
    podStartMs: 300,
    tickMs: 10,
    leaseSeconds: LEASE_SECONDS,
  });
  seedServices(rw.world.k8s, plain);
  seedBlueGreen(S.between);
  for (const body of [...plain.flatMap(deploymentRecords), ...blueGreenRecords(S.between)])
    expect((await rw.api('POST', '/api/v1/deployments', body)).status).toBe(201);
}, 120_000);

afterAll(async () => {
  // A migration the killed replica left waiting ends now, so no process outlives the test.
  if (dbDir) writeFileSync(dbHold(), '');
  await rw?.close();
  await hold?.close();
  if (dbDir) rmSync(dbDir, { recursive: true, force: true });
});

/** The database tool's calls so far, each as its arguments. */
function dbCalls(): string[][] {
  return existsSync(dbLog())
    ? readFileSync(dbLog(), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { argv: string[] }).argv)
    : [];
}

async function planFor(s: ServiceFixture): Promise<FakeSlackMessage> {
  const id = s === S.between ? `${s.name}-deploy-2` : failedDeploymentId(s);
  expect((await sendCommand(rw.world.slack, `--failed-deployment-id ${id}`)).status).toBe(200);
  return waitForPlanFor(rw.world.slack, id);
}

async function timelineTypes(runId: string): Promise<string[]> {
  return (await rw.store.timeline(runId)).map((e) => e.type);
}

/** The replica holding the run right now, SIGKILLed and taken out of rotation. */
async function killHolder(runId: string): Promise<BotProcess> {
  const holder = await eventually(() => rw.holderOf(runId), 5_000, `a live replica holding ${runId}`);
  process.kill(holder.pid, 'SIGKILL');
  rw.remove(holder);
  await holder.exited;
  return holder;
}

/** Resolves with the first request matching `match` the emulator records from now on (recorded on arrival, before any injected delay). */
function nextClusterRequest(match: (r: { method: string; path: string }) => boolean): Promise<void> {
  const from = rw.world.k8s.requests.length;
  return eventually(async () => rw.world.k8s.requests.slice(from).some(match), 30_000, 'the awaited cluster request').then(() => undefined);
}

/** Resolves when the service's first component is halfway rolled out. */
function midRollout(s: ServiceFixture): Promise<void> {
  return new Promise((resolve) => {
    const stop = rw.world.k8s.onChange((c) => {
      const status = (c.object as { status?: { updatedReplicas?: number; replicas?: number } }).status;
      if (c.resource !== 'deployments' || c.object.metadata.name !== s.components[0] || status?.updatedReplicas !== 1 || (status.replicas ?? 0) <= 1)
        return;
      stop();
      resolve();
    });
  });
}

async function succeeded(runId: string): Promise<Run> {
  try {
    return await eventually(
      async () => {
        const run = await rw.store.getRun(runId);
        return run?.status === 'succeeded' ? run : undefined;
      },
      30_000,
      `${runId} finished by another replica`,
    );
  } catch (error) {
    // Say where it stopped: the status and the timeline tell a stuck takeover from a failed step.
    const run = await rw.store.getRun(runId);
    const timeline = (await rw.store.timeline(runId)).map((e) => `${e.type}: ${e.detail}`);
    throw new Error(`${(error as Error).message}; status ${run?.status}; timeline:\n${timeline.join('\n')}`);
  }
}

/** Every write that changed something in the namespace, as "METHOD path". */
function writesIn(s: ServiceFixture): string[] {
  return realWritesTo(rw.world.k8s, s.namespace).map((r) => `${r.method} ${r.path.slice(r.path.indexOf(`/namespaces/${s.namespace}/`))}`);
}

/** Changes a Deployment's image as a person would with kubectl set image. */
async function setImageByHand(namespace: string, name: string, image: string): Promise<void> {
  const response = await fetch(`${rw.world.k8s.url}/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${rw.world.k8s.token}`, 'content-type': 'application/strategic-merge-patch+json' },
    body: JSON.stringify({ spec: { template: { spec: { containers: [{ name, image }] } } } }),
  });
  expect(response.status).toBe(200);
}

describe('SIGKILL the replica holding the run at each step, three replicas on one PostgreSQL', () => {
  it('approved, before the first write (its cluster re-read answers slowly): another replica executes it once', async () => {
    const plan = await planFor(S.approved);
    const runId = runIdOf(plan);
    // The holder's re-read of the cluster before the first write is held: the run sits in `approved` meanwhile.
    rw.world.k8s.injectFault({
      method: 'GET',
      pathPattern: new RegExp(`/namespaces/${S.approved.namespace}/deployments/`),
      delayMs: 10_000,
      times: 1,
    });
    const reRead = nextClusterRequest((r) => r.method === 'GET' && r.path.includes(`/namespaces/${S.approved.namespace}/deployments/`));
    expect((await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    await reRead;
    expect((await rw.store.getRun(runId))?.status).toBe('approved');
    const before = await timelineTypes(runId);
    await killHolder(runId);
    const replacement = rw.addReplica();

    const run = await succeeded(runId);
    expect((await timelineTypes(runId)).slice(0, before.length)).toEqual(before);
    for (const component of S.approved.components) expect(realWritesTo(rw.world.k8s, S.approved.namespace, component)).toHaveLength(1);
    expect(run.stepResults.map((r) => r.status)).toEqual(run.plan.steps.map(() => 'done'));
    await waitForPlanState(rw.world.slack, plan, /Rolled back/, 15_000);
    await replacement;
  }, 90_000);

  it('between two steps of a blue-green plan (blue warmed, the Service not yet switched): resumed from the switch, each object written once', async () => {
    const plan = await planFor(S.between);
    const runId = runIdOf(plan);
    const [blue, green] = S.between.components as [string, string];
    const servicePath = `/namespaces/${S.between.namespace}/services/${S.between.name}`;
    // Once blue is ready, the holder's read of the Service before switching it is held; the kill lands there.
    const warmed = new Promise<void>((resolve) => {
      const stop = rw.world.k8s.onChange((c) => {
        if (
          c.resource !== 'deployments' ||
          c.object.metadata.name !== blue ||
          (c.object as { status?: { readyReplicas?: number } }).status?.readyReplicas !== 2
        )
          return;
        stop();
        rw.world.k8s.injectFault({ method: 'GET', pathPattern: new RegExp(`${servicePath}$`), delayMs: 10_000, times: 1 });
        resolve();
      });
    });
    expect((await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    await warmed;
    await nextClusterRequest((r) => r.method === 'GET' && r.path.endsWith(servicePath));
    const atKill = (await rw.store.getRun(runId))!;
    expect(atKill.plan.steps.map((s) => s.kind)).toEqual(['scale', 'switch_traffic', 'scale']);
    expect(atKill.stepResults.filter((r) => r.status === 'done').map((r) => r.index)).toEqual([1]);
    const before = await timelineTypes(runId);
    await killHolder(runId);
    const replacement = rw.addReplica();

    const run = await succeeded(runId);
    const after = await timelineTypes(runId);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toContain('resumed');
    expect((await rw.store.timeline(runId)).find((e) => e.type === 'resumed')?.detail).toBe('the previous owner stopped: going on from step 2');
    expect(run.stepResults.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    const ns = `/namespaces/${S.between.namespace}`;
    expect(writesIn(S.between)).toEqual([
      `PATCH ${ns}/deployments/${blue}/scale`,
      `PATCH ${ns}/services/${S.between.name}`,
      `PATCH ${ns}/deployments/${green}/scale`,
    ]);
    expect(rw.world.k8s.getService(S.between.namespace, S.between.name)?.spec?.selector?.['slot']).toBe('blue');
    await waitForPlanState(rw.world.slack, plan, /Rolled back/, 15_000);
    await replacement;
  }, 90_000);

  it('verifying, while a health check waits for an answer: another replica verifies again, nothing rolled out twice', async () => {
    const plan = await planFor(S.verifying);
    const runId = runIdOf(plan);
    const checking = new Promise<void>((resolve) => hold.onRequest(() => resolve()));
    expect((await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    await checking;
    expect((await rw.store.getRun(runId))?.status).toBe('verifying');
    const before = await timelineTypes(runId);
    await killHolder(runId);
    hold.answerFromNow(200);
    const replacement = rw.addReplica();

    await succeeded(runId);
    const after = await timelineTypes(runId);
    expect(after.slice(0, before.length)).toEqual(before);
    expect((await rw.store.timeline(runId)).find((e) => e.type === 'resumed')?.detail).toBe(
      'the previous owner stopped during verification: verifying again',
    );
    for (const component of S.verifying.components) expect(realWritesTo(rw.world.k8s, S.verifying.namespace, component)).toHaveLength(1);
    await waitForPlanState(rw.world.slack, plan, /Rolled back/, 15_000);
    await replacement;
  }, 90_000);

  it('mid-rollout, and someone changes the cluster before the lease expires: interrupted with what moved, nothing written after', async () => {
    const plan = await planFor(S.moved);
    const runId = runIdOf(plan);
    const [api, worker] = S.moved.components as [string, string];
    const halfway = midRollout(S.moved);
    expect((await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    await halfway;
    await killHolder(runId);
    await setImageByHand(S.moved.namespace, worker, `registry.example/${worker}:hotfix`);
    const writesAfterHand = realWritesTo(rw.world.k8s, S.moved.namespace).length;
    const before = await timelineTypes(runId);
    const replacement = rw.addReplica();

    await eventually(async () => (await rw.store.getRun(runId))?.status === 'interrupted', 30_000, 'the run interrupted by another replica');
    const timeline = await rw.store.timeline(runId);
    expect(timeline.map((e) => e.type)).toEqual([...before, 'interrupted']);
    expect(timeline.at(-1)?.detail).toContain(`${worker} runs registry.example/${worker}:hotfix`);
    expect(realWritesTo(rw.world.k8s, S.moved.namespace)).toHaveLength(writesAfterHand);
    expect(realWritesTo(rw.world.k8s, S.moved.namespace, api)).toHaveLength(1);
    await waitForPlanState(rw.world.slack, plan, /Interrupted:/, 15_000);
    await replacement;
  }, 90_000);
  it('during a database migration (its command still running): interrupted, the migration not run again, the application untouched', async () => {
    const plan = await planFor(S.database);
    const runId = runIdOf(plan);
    expect((await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver)).status).toBe(200);
    expect((await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.second)).status).toBe(200);
    await eventually(async () => dbCalls().some((argv) => argv[0] === 'down'), 30_000, 'the down migration running');
    const atKill = (await rw.store.getRun(runId))!;
    expect(atKill.plan.steps.map((s) => s.kind)).toEqual(['database_backup', 'database_migrate_down', 'rollout_undo', 'rollout_undo']);
    expect(atKill.stepResults.map((r) => `${r.index} ${r.status}`)).toEqual(['1 done', '2 running']);
    const before = await timelineTypes(runId);
    await killHolder(runId);
    const replacement = rw.addReplica();

    await eventually(async () => (await rw.store.getRun(runId))?.status === 'interrupted', 30_000, 'the run interrupted by another replica');
    const timeline = await rw.store.timeline(runId);
    expect(timeline.map((e) => e.type)).toEqual([...before, 'interrupted']);
    expect(timeline.at(-1)?.detail).toContain(`step 2 (Migrate down \`${S.database.name}_add_column\``);
    expect(timeline.at(-1)?.detail).toContain(
      'was running when the previous owner stopped; whether it finished cannot be read back, so it is not run again',
    );
    expect(dbCalls().map((argv) => argv[0])).toEqual(['backup', 'down']);
    expect(realWritesTo(rw.world.k8s, S.database.namespace)).toEqual([]);
    await replacement;
  }, 90_000);
});
