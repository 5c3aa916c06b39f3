// SIGKILL → resumed on another replica: two bot processes on one PostgreSQL database, the one
// holding a run killed when the run's first Deployment is half rolled out; the figure is the time
// from the kill to the `resumed` event the other replica records (its own clock, the same machine's),
// for each RUN_LEASE_SECONDS asked. The killed replica is replaced before the next cycle.
import { USERS } from '../../test/support/bot-harness.js';
import { eventually } from '../../test/support/eventually.js';
import { deploymentRecords, failedDeploymentId, seedServices, servicesCatalog, type ServiceFixture } from '../../test/support/multi-service.js';
import { startReplicaWorld, type ReplicaWorld } from '../../test/support/replica-world.js';
import { clickDecision, runIdOf, sendCommand, waitForPlanFor } from '../../test/support/slack-flow.js';
import { benchPostgres } from '../postgres-server.js';
import type { Row } from '../report.js';
import { summarize } from '../stats.js';
import { type BotRuntime, botRuntime } from '../bot-runtime.js';

export interface TakeoverOptions extends BotRuntime {
  cycles: number;
  leaseSeconds: number[];
  podStartMs: number;
  tickMs: number;
}

export async function benchTakeover(entry: string, o: TakeoverOptions, log: (line: string) => void): Promise<Row[]> {
  const postgres = await benchPostgres();
  const rows: Row[] = [];
  try {
    for (const lease of o.leaseSeconds) {
      const services: ServiceFixture[] = Array.from({ length: o.cycles }, (_, i) => ({
        name: `takeover-${i}`,
        namespace: `to${i}`,
        components: [`to${i}-api`, `to${i}-worker`],
        versions: ['v1.0.0', 'v1.1.0'],
        replicas: 2,
      }));
      const rw = await startReplicaWorld(2, {
        catalog: servicesCatalog(services),
        podStartMs: o.podStartMs,
        tickMs: o.tickMs,
        leaseSeconds: lease,
        adminUrl: postgres.adminUrl,
        entry,
        logLevel: 'info',
        ...botRuntime(o),
      });
      try {
        seedServices(rw.world.k8s, services);
        for (const s of services) for (const body of deploymentRecords(s)) await rw.api('POST', '/api/v1/deployments', body);
        const samples: number[] = [];
        for (const s of services) samples.push(await killHolderOnce(rw, s));
        const summary = summarize(samples);
        log(`  RUN_LEASE_SECONDS=${lease}: ${samples.length} takeovers`);
        rows.push({
          id: `takeover-lease-${lease}`,
          metric: `SIGKILL → resumed on another replica (RUN_LEASE_SECONDS=${lease})`,
          unit: 'ms',
          summary,
          target: `≤ 2 leases (${2 * lease} s)`,
          verdict: summary.max <= 2 * lease * 1000 ? 'met' : 'missed',
          note: `2 replicas, ${postgres.label}; kill at half the first rollout`,
          samples,
        });
      } finally {
        await rw.close();
      }
    }
  } finally {
    await postgres.stop();
  }
  return rows;
}

async function killHolderOnce(rw: ReplicaWorld, s: ServiceFixture): Promise<number> {
  if ((await sendCommand(rw.world.slack, `--failed-deployment-id ${failedDeploymentId(s)}`)).status !== 200)
    throw new Error('the command was refused');
  const plan = await waitForPlanFor(rw.world.slack, failedDeploymentId(s));
  const runId = runIdOf(plan);
  const api = s.components[0]!;
  const killedAt = new Promise<number>((resolve, reject) => {
    let done = false;
    const stop = rw.world.k8s.onChange((c) => {
      const status = (c.object as { status?: { updatedReplicas?: number; replicas?: number } }).status;
      if (done || c.resource !== 'deployments' || c.object.metadata.name !== api || status?.updatedReplicas !== 1 || (status.replicas ?? 0) <= 1)
        return;
      done = true;
      stop();
      rw.holderOf(runId)
        .then((holder) => {
          if (!holder) throw new Error(`no live replica holds ${runId}`);
          process.kill(holder.pid, 'SIGKILL');
          const at = Date.now();
          rw.remove(holder);
          resolve(at);
        })
        .catch(reject);
    });
  });
  await clickDecision(rw.world.slack, plan, 'rollback_approve', USERS.approver);
  const killed = await killedAt;
  const resumed = await eventually(async () => (await rw.store.timeline(runId)).find((e) => e.type === 'resumed'), 120_000, `${runId} resumed`);
  await eventually(async () => (await rw.store.getRun(runId))?.status === 'succeeded', 60_000, `${runId} succeeded`);
  await rw.addReplica();
  return Date.parse(resumed.at) - killed;
}
