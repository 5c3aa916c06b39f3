// Slash command → ack, and slash command → plan posted, against a store holding 10,000 deployments and
// 5,000 finished runs. The bot is its own process (compiled, as `npm start` runs it); the clock is the
// benchmark's, around real signed HTTP requests and the fake Slack's record of the posted plan.
import { parseCatalog } from '../../src/config/catalog.js';
import { CHANNEL } from '../../test/support/bot-harness.js';
import { seedServices, servicesCatalog, type ServiceFixture } from '../../test/support/multi-service.js';
import { startProcessWorld, type ProcessWorld } from '../../test/support/process-world.js';
import { sendCommand } from '../../test/support/slack-flow.js';
import type { Row } from '../report.js';
import { summarize } from '../stats.js';
import { deploymentIdOf, seedStore, versionOf } from './store-seed.js';
import type { BotRuntime } from '../bot-runtime.js';

const ACK_GIVEN_UP_MS = 10_000;

export interface PlanningOptions extends BotRuntime {
  services: number;
  deploymentsPerService: number;
  runsPerService: number;
  /** Services that also exist in the emulated cluster (the others are only in the store). */
  clusterServices: number;
  planSamples: number;
  /** Concurrency → rounds. */
  ackRounds: Record<number, number>;
  /** DATABASE_URL for the bot (the same figures on PostgreSQL); rows then carry `store` in their id and metric. */
  databaseUrl?: string;
  store?: string;
}

export async function benchPlanning(entry: string, o: PlanningOptions, log: (line: string) => void): Promise<Row[]> {
  const last = o.deploymentsPerService - 1;
  const fixtures: ServiceFixture[] = Array.from({ length: o.services }, (_, i) => {
    const name = `svc-${String(i).padStart(3, '0')}`;
    return {
      name,
      namespace: 'bench',
      components: [`${name}-api`, `${name}-worker`],
      versions: [versionOf(last - 2), versionOf(last - 1), versionOf(last)],
      replicas: 1,
    };
  });
  const catalogYaml = servicesCatalog(fixtures);
  // BENCH_BOT_NODE_FLAGS (say `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to the bot's node, to profile what is measured.
  const nodeFlags = process.env['BENCH_BOT_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
  const env: Record<string, string> = { ...o.env, ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}) };
  const world = await startProcessWorld({ catalog: catalogYaml, tickMs: 25, podStartMs: 100, logLevel: 'info', env, nodeFlags: o.nodeFlags });
  try {
    seedServices(world.k8s, fixtures.slice(0, o.clusterServices));
    const seeded = await seedStore(
      o.databaseUrl ? { url: o.databaseUrl } : { path: world.databasePath },
      parseCatalog(catalogYaml, 'bench'),
      o.deploymentsPerService,
      o.runsPerService,
    );
    log(`  store seeded: ${seeded.deployments} deployments, ${seeded.runs} runs, ${seeded.events} timeline events`);
    await world.start({ entry, nodeFlags });

    const planMs: number[] = [];
    for (let i = 0; i < o.planSamples; i++) {
      const id = deploymentIdOf(fixtures[i % o.clusterServices]!.name, last);
      const posted = planPosted(world, id);
      const t0 = performance.now();
      await sendCommand(world.slack, `--failed-deployment-id ${id}`);
      planMs.push((await posted) - t0);
    }
    log(`  command → plan: ${planMs.length} samples`);

    const ack: Record<number, number[]> = {};
    const unanswered: Record<number, number> = {};
    const pool = fixtures.slice(o.planSamples, o.clusterServices);
    let k = 0;
    for (const [concurrency, rounds] of Object.entries(o.ackRounds).map(([c, r]) => [Number(c), r] as const)) {
      ack[concurrency] = [];
      for (let round = 0; round < rounds; round++) {
        // Every command is answered: by a plan in the channel, or (a duplicate of a plan in progress)
        // by a message to its response_url pointing at that plan.
        const before = world.slack.messagesIn(CHANNEL).length;
        const answeredUrls = new Set<string>();
        const stop = world.slack.onChange((change) => {
          if (change.type === 'response_url_posted') answeredUrls.add(change.response.url);
        });
        try {
          // Slack gives up after 3 s; the simulator after 10 s: such an ack is recorded as 10 s (a lower bound).
          const sent = await Promise.all(
            Array.from({ length: concurrency }, () =>
              sendCommand(world.slack, `--failed-deployment-id ${deploymentIdOf(pool[k++ % pool.length]!.name, last)}`).catch(() => undefined),
            ),
          );
          const deliveries = sent.filter((d) => d !== undefined);
          unanswered[concurrency] = (unanswered[concurrency] ?? 0) + sent.length - deliveries.length;
          for (const d of deliveries) {
            if (d.status !== 200) throw new Error(`a slash command was answered ${d.status}`);
            ack[concurrency]!.push(d.elapsedMs);
          }
          for (let i = deliveries.length; i < sent.length; i++) ack[concurrency]!.push(ACK_GIVEN_UP_MS);
          const urls = deliveries.map((d) => d.responseUrl);
          const answered = () =>
            world.slack
              .messagesIn(CHANNEL)
              .slice(before)
              .filter((m) => JSON.stringify(m.blocks ?? []).includes('Rollback plan: ')).length + urls.filter((u) => answeredUrls.has(u)).length;
          // Let the work behind the acks finish, so each round starts from a quiet bot.
          await world.slack.waitFor(() => answered() >= deliveries.length, 300_000, `${concurrency} commands answered`);
        } finally {
          stop();
        }
      }
      log(`  ack at ${concurrency} concurrent: ${ack[concurrency]!.length} samples`);
    }

    const rows: Row[] = [];
    for (const [concurrency, samples] of Object.entries(ack)) {
      const s = summarize(samples);
      const c = Number(concurrency);
      const target = c === 50 ? 'p99 < 50 ms' : 'max < 3,000 ms (Slack)';
      const met = c === 50 ? s.p99 < 50 : s.max < 3_000;
      const lost = unanswered[c] ? `; ${unanswered[c]} not answered within 10 s (counted as 10 s)` : '';
      rows.push({
        id: `ack-${c}`,
        metric: `slash-command ack, ${c} concurrent`,
        unit: 'ms',
        summary: s,
        target,
        verdict: met ? 'met' : 'missed',
        note: `signed HTTP request → ack body; planning continues after the ack${lost}`,
        samples,
      });
    }
    const plan = summarize(planMs);
    const on = o.store ? ` (${o.store})` : '';
    rows.push({
      id: o.store ? `plan-${o.store}` : 'plan',
      metric: `command → plan posted (${(seeded.deployments / 1000).toFixed(0)}k deployments, ${(seeded.runs / 1000).toFixed(0)}k runs stored)${on}`,
      unit: 'ms',
      summary: plan,
      target: 'p99 < 150 ms',
      verdict: plan.p99 < 150 ? 'met' : 'missed',
      note: 'includes 2 Deployment + ReplicaSet reads and chat.postMessage',
      samples: planMs,
    });
    return rows;
  } finally {
    // A profile is written at a clean exit only (close() SIGKILLs).
    if (nodeFlags.includes('--cpu-prof')) await world.kill('SIGTERM');
    await world.close();
  }
}

/** Resolves with performance.now() at the moment the fake Slack stores the plan for `failedDeploymentId`. */
function planPosted(world: ProcessWorld, failedDeploymentId: string): Promise<number> {
  const header = `Rollback plan: ${failedDeploymentId}"`;
  return new Promise((resolve) => {
    const stop = world.slack.onChange((change) => {
      if (change.type === 'message_posted' && JSON.stringify(change.message.blocks).includes(header)) {
        stop();
        resolve(performance.now());
      }
    });
  });
}
