// The execution path of a two-component rollback, repeated: approve click → first Kubernetes write,
// rollout complete in the cluster → the bot has noticed (it watches), and the bot's own share of the
// whole rollback (click → final plan update, minus the time the cluster spent starting pods).
import { DEFAULT_CATALOG, NAMESPACE } from '../../test/support/bot-harness.js';
import { startProcessWorld } from '../../test/support/process-world.js';
import { ClusterClock } from '../cluster-clock.js';
import type { Row } from '../report.js';
import { summarize } from '../stats.js';
import { appsClient, rollbackCycle } from './rollback-cycle.js';
import type { BotRuntime } from '../bot-runtime.js';

export interface RollbackPathOptions extends BotRuntime {
  cycles: number;
  /** DATABASE_URL for the bot (the same path on PostgreSQL); rows then carry `store` in their id and metric. */
  databaseUrl?: string;
  store?: string;
  podStartMs: number;
  tickMs: number;
  /** The approver's time to read the plan before clicking (rollback-cycle.ts). */
  readingMs: number;
}

export async function benchRollbackPath(entry: string, o: RollbackPathOptions, log: (line: string) => void): Promise<Row[]> {
  // The standard service (checkout-api ×3, checkout-worker ×2), keeping every recorded deploy.
  const catalog = DEFAULT_CATALOG.replace('    approvals:', '    history: { keep: 1000 }\n    approvals:');
  const world = await startProcessWorld({
    catalog,
    tickMs: o.tickMs,
    podStartMs: o.podStartMs,
    logLevel: 'info',
    env: { ...o.env, ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}) },
    nodeFlags: o.nodeFlags,
  });
  const clock = new ClusterClock(world.k8s);
  // BENCH_BOT_NODE_FLAGS (say `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to the bot's node, to profile what is measured.
  const nodeFlags = process.env['BENCH_BOT_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
  try {
    await world.start({ entry, nodeFlags });
    await world.recordStandardHistory();
    const apps = appsClient(world.k8s);
    const toWrite: number[] = [];
    const noticed: number[] = [];
    const overhead: number[] = [];
    const clusterShare: number[] = [];
    let firstClick: number | undefined;
    // One more than measured: the first rollback after start runs code nothing has run yet (Bolt's
    // first click, the first decoding of each stored shape, the Kubernetes client's first PATCH).
    // It is reported on its own row rather than as every row's p99.
    for (let i = 0; i <= o.cycles; i++) {
      const c = await rollbackCycle(
        world,
        clock,
        apps,
        {
          service: 'checkout',
          namespace: NAMESPACE,
          components: ['checkout-api', 'checkout-worker'],
          failedVersion: 'v1.2.1',
          baseTime: Date.parse('2026-11-21T00:00:00Z'),
        },
        i,
        o.readingMs,
      );
      if (c.outcome !== 'succeeded') throw new Error(`rollback ${c.runId} ended ${c.outcome}`);
      if (i === 0) {
        firstClick = c.firstWriteAt === undefined ? undefined : c.firstWriteAt - c.clickAt;
        continue;
      }
      if (c.firstWriteAt !== undefined) toWrite.push(c.firstWriteAt - c.clickAt);
      let cluster = 0;
      for (const s of c.steps) {
        if (s.completeAt !== undefined && s.finishedAt !== undefined) noticed.push(s.finishedAt - s.completeAt);
        if (s.completeAt !== undefined && s.writtenAt !== undefined) cluster += s.completeAt - s.writtenAt;
      }
      clusterShare.push(cluster);
      overhead.push(c.settledAt - c.clickAt - cluster);
    }
    log(`  ${o.cycles} rollbacks of 2 components (pods start in ${o.podStartMs} ms)`);
    const w = summarize(toWrite);
    const n = summarize(noticed);
    const b = summarize(overhead);
    const p = summarize(clusterShare);
    const rows: Row[] = [
      {
        id: 'approve-to-write',
        metric: 'approve click → first Kubernetes write',
        unit: 'ms',
        summary: w,
        target: 'p99 < 50 ms',
        verdict: w.p99 < 50 ? 'met' : 'missed',
        note: `approval, drift re-read, evidence of the failed pods, then the PATCH; clicked ${o.readingMs} ms after the plan appeared`,
        samples: toWrite,
      },
      {
        id: 'approve-to-write-first',
        metric: 'approve click → first Kubernetes write, first click after start',
        unit: 'ms',
        summary: summarize(firstClick === undefined ? [] : [firstClick]),
        target: '',
        verdict: '',
        note: 'the same, for the one rollback before the measured ones: code run for the first time in this process',
      },
      {
        id: 'rollout-noticed',
        metric: 'rollout complete in the cluster → bot noticed',
        unit: 'ms',
        summary: n,
        target: 'p99 < 100 ms',
        verdict: n.p99 < 100 ? 'met' : 'missed',
        note: 'watch event → step result; wall clocks of two processes, 1 ms resolution',
        samples: noticed,
      },
      {
        id: 'overhead',
        metric: 'whole rollback, bot overhead',
        unit: 'ms',
        summary: b,
        target: 'p99 < 300 ms',
        verdict: b.p99 < 300 ? 'met' : 'missed',
        note: `click → final plan update, minus the cluster's rollout time (p50 ${Math.round(p.p50)} ms)`,
        samples: overhead,
      },
    ];
    // On another store: the same rows, named for it.
    return o.store ? rows.map((r) => ({ ...r, id: `${r.id}-${o.store}`, metric: `${r.metric} (${o.store})` })) : rows;
  } finally {
    clock.close();
    // A profile is written at a clean exit only (close() SIGKILLs).
    if (nodeFlags.includes('--cpu-prof')) await world.kill('SIGTERM');
    await world.close();
  }
}
