// Memory of the bot process alone over many complete rollbacks (command, plan, approval, rollout,
// verification, reports), with fast pods so the count is reachable in minutes. Several services roll
// back at once. RSS is sampled after every rollback; the figures are the median of the last samples
// (RSS moves with each garbage collection) and the growth between the halfway point and the end.
import { IMAGE } from '../../test/support/bot-harness.js';
import { seedServices, servicesCatalog, type ServiceFixture } from '../../test/support/multi-service.js';
import { startProcessWorld } from '../../test/support/process-world.js';
import { ClusterClock } from '../cluster-clock.js';
import type { Row } from '../report.js';
import { median, summarize } from '../stats.js';
import { appsClient, rollbackCycle } from './rollback-cycle.js';
import { heapSnapshot } from '../heap-snapshot.js';
import { describeBreakdown, memoryBreakdown, type MemoryBreakdown } from '../memory-breakdown.js';
import { type BotRuntime, describeRuntime } from '../bot-runtime.js';

export interface MemoryOptions extends BotRuntime {
  rollbacks: number;
  /** Stop early (and say so) when this much time has passed. */
  maxMinutes: number;
  services: number;
  concurrency: number;
  /** Run the bot with `--max-old-space-size=<MB>` (V8's heap limit), as a deployment could. */
  heapLimitMb?: number;
  /** Write a heap snapshot of the bot into `heapSnapshots.dir` when these many rollbacks are done (compare with bench/heap-compare.ts). */
  heapSnapshots?: { at: number[]; dir: string };
  /** More NODE_OPTIONS for the bot (heap profiling with other heap settings). */
  nodeOptions?: string;
  /** Said in the rows' names, e.g. "image defaults". */
  label?: string;
  /** These rows carry the target (the settings the image and the manifests ship). */
  measuresTarget?: boolean;
}

const MB = 1024 * 1024;
const WINDOW = 10;

export async function benchMemory(entry: string, o: MemoryOptions, log: (line: string) => void): Promise<Row[]> {
  const fixtures: ServiceFixture[] = Array.from({ length: o.services }, (_, i) => ({
    name: `mem-${i}`,
    namespace: 'mem',
    components: [`mem-${i}-api`],
    versions: ['v1.0.0', 'v1.1.0'],
    replicas: 1,
  }));
  const catalog = servicesCatalog(fixtures).replaceAll('    approvals:', '    history: { keep: 1000 }\n    approvals:');
  const nodeOptions = [
    o.env?.['NODE_OPTIONS'] ?? '',
    o.nodeOptions ?? '',
    o.heapLimitMb ? `--max-old-space-size=${o.heapLimitMb}` : '',
    o.heapSnapshots ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${o.heapSnapshots.dir}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const world = await startProcessWorld({
    catalog,
    tickMs: 5,
    podStartMs: 5,
    logLevel: 'info',
    env: { ...o.env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
    nodeFlags: o.nodeFlags,
  });
  const clock = new ClusterClock(world.k8s);
  const samples: Array<{ count: number; rss: number }> = [];
  let breakdown: MemoryBreakdown | undefined;
  const started = performance.now();
  try {
    seedServices(world.k8s, fixtures);
    const bot = await world.start({ entry });
    const base = Date.parse('2026-11-01T00:00:00Z');
    for (const f of fixtures) {
      const good = await world.api('POST', '/api/v1/deployments', {
        id: `${f.name}-good`,
        service: f.name,
        environment: 'production',
        version: 'v1.0.0',
        status: 'succeeded',
        createdAt: new Date(base).toISOString(),
        createdBy: 'bench',
        components: { [f.components[0]!]: { image: IMAGE(f.components[0]!, 'v1.0.0') } },
        migrations: [],
      });
      if (good.status !== 201) throw new Error(`recording ${f.name}-good: ${good.status}`);
    }
    samples.push({ count: 0, rss: bot.rssBytes() });
    const apps = appsClient(world.k8s);
    const deadline = started + o.maxMinutes * 60_000;
    let count = 0;
    let claimed = 0;
    const perService = new Map<string, number>();
    // A heap snapshot blocks the bot for seconds: no rollback is started after the one that makes the
    // count, and the snapshot is taken once those in flight are done (a quiet bot, no request timing out).
    const snapshotAt = new Set(o.heapSnapshots?.at ?? []);
    let gate: { done: Promise<void>; open: () => void } | undefined;
    const worker = async (w: number) => {
      for (let turn = 0; ; turn++) {
        while (gate) await gate.done;
        if (claimed >= o.rollbacks || performance.now() >= deadline) break;
        claimed++;
        if (snapshotAt.has(claimed)) {
          let open = () => {};
          const done = new Promise<void>((resolve) => {
            open = resolve;
          });
          gate = { done, open };
        }
        const f = fixtures[(w + turn * o.concurrency) % fixtures.length]!;
        const index = perService.get(f.name) ?? 0;
        perService.set(f.name, index + 1);
        const c = await rollbackCycle(
          world,
          clock,
          apps,
          { service: f.name, namespace: 'mem', components: f.components, failedVersion: 'v1.1.0', baseTime: base },
          index,
        );
        if (c.outcome !== 'succeeded') throw new Error(`rollback ${c.runId} ended ${c.outcome}`);
        count++;
        samples.push({ count, rss: bot.rssBytes() });
        if (count % 100 === 0) log(`  ${count} rollbacks, RSS ${(samples[samples.length - 1]!.rss / MB).toFixed(1)} MB`);
        if (o.heapSnapshots && snapshotAt.has(count) && gate) {
          const opened = gate;
          try {
            await heapSnapshot(bot, world, o.heapSnapshots.dir, count, log);
          } finally {
            gate = undefined;
            opened.open();
          }
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
    breakdown = await memoryBreakdown(bot.pid, `${bot.url}/metrics`);
  } finally {
    clock.close();
    await world.close();
  }
  const count = samples[samples.length - 1]!.count;
  const minutes = (performance.now() - started) / 60_000;
  const end = median(samples.slice(-WINDOW).map((s) => s.rss)) / MB;
  const halfway = samples.findIndex((s) => s.count >= count / 2);
  const middle = median(samples.slice(Math.max(0, halfway - WINDOW / 2), halfway + WINDOW / 2).map((s) => s.rss)) / MB;
  const peak = Math.max(...samples.map((s) => s.rss)) / MB;
  const growth = end - middle;
  const stoppedEarly = count < o.rollbacks ? `, stopped at the ${o.maxMinutes}-minute cap` : '';
  const how = o.label ? `, ${o.label}` : o.heapLimitMb ? `, --max-old-space-size=${o.heapLimitMb}` : '';
  const suffix = o.label ? `-${o.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}` : o.heapLimitMb ? `-heap${o.heapLimitMb}` : '';
  // The target is for the settings the image and the manifests ship; other runs are for comparison.
  const targeted = o.measuresTarget ?? false;
  const settings = describeRuntime(o);
  const settingsNote = settings ? `; ${settings}` : '';
  log(`  ${count} rollbacks in ${minutes.toFixed(1)} min${stoppedEarly}${how}`);
  return [
    {
      id: `rss${suffix}`,
      metric: `RSS after ${count} rollbacks${how}`,
      unit: 'MB',
      summary: { n: count, p50: end, p99: NaN, max: peak },
      target: targeted ? '< 150 MB' : '',
      verdict: targeted ? (end < 150 ? 'met' : 'missed') : '',
      note: [
        `p50 = median of the last ${WINDOW} samples; max = peak; ${o.concurrency} at a time${stoppedEarly}${settingsNote}`,
        describeBreakdown(breakdown),
      ]
        .filter(Boolean)
        .join('; '),
      samples: samples.map((x) => x.rss / MB),
    },
    {
      id: `rss-growth${suffix}`,
      metric: `RSS growth over the last ${count - samples[halfway]!.count} rollbacks${how}`,
      unit: 'MB',
      summary: { n: count - samples[halfway]!.count, p50: growth, p99: NaN, max: NaN },
      target: targeted ? 'flat (< 5% of RSS)' : '',
      verdict: targeted ? (growth < end * 0.05 ? 'met' : 'missed') : '',
      note: `from ${middle.toFixed(1)} MB at ${samples[halfway]!.count} to ${end.toFixed(1)} MB`,
    },
    {
      id: `rss-start${suffix}`,
      metric: `RSS of the idle bot after start${how}`,
      unit: 'MB',
      summary: summarize([samples[0]!.rss / MB]),
      target: '',
      verdict: '',
      note: `throughput ${(count / (minutes * 60)).toFixed(1)} rollbacks/s`,
    },
  ];
}
