// Rollbacks per second: `batch` plans, one per service, approved at the same moment; the figure is
// batch ÷ (first click → the last of them recorded succeeded), once per round. Run with one bot on
// SQLite, and with 1 and 3 replicas on one PostgreSQL behind a round-robin address (the replicas
// share the runs through the store's claims). Each round uses services of its own (a service's failed
// deploy is rolled back once). Every process runs on this one machine, so replicas share its cores.
import { CHANNEL, USERS } from '../../test/support/bot-harness.js';
import { eventually } from '../../test/support/eventually.js';
import { deploymentRecords, failedDeploymentId, seedServices, servicesCatalog, type ServiceFixture } from '../../test/support/multi-service.js';
import { startProcessWorld, type ProcessWorld } from '../../test/support/process-world.js';
import { startReplicaWorld } from '../../test/support/replica-world.js';
import { clickDecision, runIdOf, sendCommand, waitForPlanFor } from '../../test/support/slack-flow.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import { benchPostgres } from '../postgres-server.js';
import type { Row } from '../report.js';
import { summarize } from '../stats.js';
import type { BotRuntime } from '../bot-runtime.js';
import { scenarioWorldOptions } from './scenario-world.js';

export interface ThroughputOptions extends BotRuntime {
  batch: number;
  rounds: number;
  podStartMs: number;
  tickMs: number;
}

type Api = ProcessWorld['api'];

interface Setup {
  id: string;
  label: string;
  replicas: number;
  store: 'SQLite' | 'PostgreSQL';
}

const SETUPS: Setup[] = [
  { id: 'throughput-sqlite-1', label: '1 replica, SQLite', replicas: 1, store: 'SQLite' },
  { id: 'throughput-postgres-1', label: '1 replica, PostgreSQL', replicas: 1, store: 'PostgreSQL' },
  { id: 'throughput-postgres-3', label: '3 replicas, one PostgreSQL', replicas: 3, store: 'PostgreSQL' },
];

export async function benchThroughput(entry: string, o: ThroughputOptions, log: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  // One PostgreSQL server for both PostgreSQL setups (a fresh database each): the embedded server is
  // started once per benchmark process.
  const postgres = await benchPostgres();
  try {
    for (const setup of SETUPS) {
      const services: ServiceFixture[] = Array.from({ length: o.batch * o.rounds }, (_, i) => ({
        name: `tp-${i}`,
        namespace: `tp${i}`,
        components: [`tp${i}-api`, `tp${i}-worker`],
        versions: ['v1.0.0', 'v1.1.0'],
        replicas: 2,
      }));
      const world = scenarioWorldOptions(servicesCatalog(services), o);
      const measure = (w: ProcessWorld, api: Api) => rounds(w, api, services, o, log);
      const rates =
        setup.store === 'SQLite' ? await onSqlite(entry, world, measure) : await onPostgres(entry, postgres.adminUrl, setup.replicas, world, measure);
      log(`  ${setup.label}: ${rates.map((r) => r.toFixed(1)).join(', ')} rollbacks/s`);
      rows.push({
        id: setup.id,
        metric: `rollbacks per second, ${o.batch} approved at once (${setup.label})`,
        unit: '/s',
        summary: summarize(rates),
        target: '',
        verdict: '',
        note: `2 components each, pods start in ${o.podStartMs} ms; one figure per round of ${o.batch}${setup.store === 'PostgreSQL' ? `; ${postgres.label}` : ''}`,
        samples: rates,
      });
    }
  } finally {
    await postgres.stop();
  }
  return rows;
}

async function onSqlite(
  entry: string,
  options: Parameters<typeof startProcessWorld>[0],
  measure: (w: ProcessWorld, api: Api) => Promise<number[]>,
): Promise<number[]> {
  const world = await startProcessWorld(options);
  try {
    await world.start({ entry });
    return await measure(world, world.api);
  } finally {
    await world.close();
  }
}

async function onPostgres(
  entry: string,
  adminUrl: string,
  replicas: number,
  options: Parameters<typeof startProcessWorld>[0],
  measure: (w: ProcessWorld, api: Api) => Promise<number[]>,
): Promise<number[]> {
  const rw = await startReplicaWorld(replicas, { ...options, leaseSeconds: 15, adminUrl, entry });
  try {
    return await measure(rw.world, (method, path, body) => rw.api(method, path, body));
  } finally {
    await rw.close();
  }
}

async function rounds(
  world: ProcessWorld,
  api: Api,
  services: ServiceFixture[],
  o: ThroughputOptions,
  log: (line: string) => void,
): Promise<number[]> {
  seedServices(world.k8s, services);
  for (const s of services) {
    for (const body of deploymentRecords(s)) {
      const answer = await api('POST', '/api/v1/deployments', body);
      if (answer.status !== 201) throw new Error(`recording ${String(body['id'])} answered ${answer.status}`);
    }
  }
  const rates: number[] = [];
  for (let round = 0; round < o.rounds; round++) {
    const batch = services.slice(round * o.batch, (round + 1) * o.batch);
    const plans: FakeSlackMessage[] = [];
    for (const s of batch) {
      if ((await sendCommand(world.slack, `--failed-deployment-id ${failedDeploymentId(s)}`)).status !== 200)
        throw new Error('the command was refused');
      plans.push(await waitForPlanFor(world.slack, failedDeploymentId(s), 1, 60_000));
    }
    const ids = new Set(plans.map(runIdOf));
    const started = performance.now();
    await Promise.all(plans.map((plan) => clickDecision(world.slack, plan, 'rollback_approve', USERS.approver)));
    // The plan message says "Rolled back" once the run is recorded succeeded: watched in the fake Slack, so
    // waiting adds no load to the bots.
    const pending = new Set(plans);
    await eventually(
      async () => {
        for (const plan of pending)
          if (/Rolled back/.test(JSON.stringify(world.slack.findMessage(CHANNEL, plan.ts)?.blocks ?? []))) pending.delete(plan);
        return pending.size === 0;
      },
      300_000,
      `${ids.size} rollbacks to succeed`,
    ).catch(async (error: unknown) => {
      const stuck = await Promise.all(
        [...pending].map(async (plan) => `${runIdOf(plan)}: ${(await api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.status}`),
      );
      throw new Error(`${String(error)}; not rolled back: ${stuck.join(', ')}`);
    });
    const seconds = (performance.now() - started) / 1000;
    log(`    round ${round + 1}: ${ids.size} rollbacks in ${seconds.toFixed(1)} s`);
    rates.push(ids.size / seconds);
  }
  return rates;
}
