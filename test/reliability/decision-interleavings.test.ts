// 1,000 random approve / reject clicks (a Reject opens the reason modal, which is then submitted),
// delivered once, twice at the same moment, or redelivered as Slack retries, interleaved over 50 runs
// that are all waiting at once — through the real bot (Bolt, SQLite file, Kubernetes client) over
// HTTP. Whatever the order: every run executes at most once, only with enough distinct approvers,
// and every run's history is a legal path of the run machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_STATUSES, type RunStatus } from '../../src/core/model.js';
import { canTransition } from '../../src/core/run-machine.js';
import type { SlackDelivery } from '../../sandbox/slack/slack-app-delivery.js';
import type { FakeSlackMessage } from '../../sandbox/slack/fake-slack-types.js';
import { CHANNEL, IMAGE, USERS, startHarness, type Harness } from '../support/bot-harness.js';
import { clickSchedule, type ScheduledClick } from '../support/click-schedule.js';
import { eventually } from '../support/eventually.js';
import { deploymentRecords, failedDeploymentId, realWritesTo, seedServices, servicesCatalog, type ServiceFixture } from '../support/multi-service.js';
import { createPrng, suiteSeed } from '../support/prng.js';
import { harnessSecrets, logTexts, scanForSecrets, slackTexts } from '../support/secret-scan.js';
import { runIdOf, sendCommand, waitForPlanFor } from '../support/slack-flow.js';

const RUNS = 50;
const CLICKS = 1_000;
const CONCURRENCY = 6;
const SEED = suiteSeed(20_261_121);
const NAMESPACE = 'ilv';
const VALID_APPROVERS = [USERS.approver, USERS.second, USERS.groupMember];

const services: ServiceFixture[] = Array.from({ length: RUNS }, (_, i) => ({
  name: `ilv-${String(i).padStart(2, '0')}`,
  namespace: NAMESPACE,
  components: [`ilv-${String(i).padStart(2, '0')}-api`],
  versions: ['v1.0.0', 'v1.1.0'],
  replicas: 1,
  highRisk: i % 2 === 0,
}));

let h: Harness;
const plans: FakeSlackMessage[] = [];
const deliveries: SlackDelivery[] = [];
let schedule: ScheduledClick[] = [];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The modal a Reject click opened (its view id), or undefined when the bot answered with a refusal instead. */
async function modalOrAnswer(triggerId: string, responseUrl: string | undefined): Promise<string | undefined> {
  const outcome = await h.slack.waitFor(
    () => {
      const view = h.slack.views.find((v) => v.triggerId === triggerId);
      if (view) return { view: view.id };
      const answered = h.slack.responses.find((r) => r.url === responseUrl && r.posts.length > 0);
      return answered ? { view: undefined } : undefined;
    },
    5_000,
    'the reject modal or a refusal',
  );
  return outcome.view;
}

beforeAll(async () => {
  h = await startHarness({ catalog: servicesCatalog(services) });
  seedServices(h.k8s, services);
  for (const s of services) {
    for (const body of deploymentRecords(s)) expect((await h.api('POST', '/api/v1/deployments', body)).status).toBe(201);
  }
  for (const s of services) await sendCommand(h.slack, `--failed-deployment-id ${failedDeploymentId(s)}`);
  for (const s of services) plans.push(await waitForPlanFor(h.slack, failedDeploymentId(s)));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe(`${CLICKS} random decision clicks over ${RUNS} waiting runs (seed ${SEED})`, () => {
  it('execute each run at most once, only with enough approvals, along legal transitions', async () => {
    const prng = createPrng(SEED);
    schedule = clickSchedule(prng, RUNS, CLICKS, { approvers: VALID_APPROVERS, requester: USERS.requester, outsider: USERS.outsider });
    const lastDelivery = new Map<number, SlackDelivery>();
    let next = 0;
    const worker = async (jitter: ReturnType<typeof createPrng>) => {
      while (next < schedule.length) {
        const click = schedule[next++]!;
        await pause(jitter.int(0, 3));
        const plan = plans[click.run]!;
        const previous = lastDelivery.get(click.run);
        if (click.delivery === 'retry' && previous) {
          const again = await h.slack.redeliver(previous);
          deliveries.push(again);
          continue;
        }
        const send = () =>
          h.slack.clickButton({
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
        // A Reject click opens a modal for the reason (or is refused at once); the person then submits it.
        for (const delivery of sent) {
          const modal = await modalOrAnswer(delivery.triggerId, delivery.responseUrl);
          if (!modal) continue;
          await pause(jitter.int(0, 10));
          deliveries.push(
            await h.slack.submitView({
              viewId: modal,
              userId: click.user,
              values: { reason: { reason_input: `random reason ${jitter.int(0, 9999)}` } },
            }),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(prng.fork())));

    // Every click was acknowledged in time, none with an error status.
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
    expect(Math.max(...deliveries.map((d) => d.elapsedMs))).toBeLessThan(3_000);

    // Let every approved run finish before judging.
    await eventually(
      async () => {
        for (const plan of plans) {
          const run = await h.bot.store.getRun(runIdOf(plan));
          if (!run || ['approved', 'executing', 'verifying'].includes(run.status)) return false;
        }
        return true;
      },
      40_000,
      'every approved run to finish',
    );

    const outcomes: Record<string, number> = {};
    for (const [i, plan] of plans.entries()) {
      const s = services[i]!;
      const run = (await h.bot.store.getRun(runIdOf(plan)))!;
      const timeline = await h.bot.store.timeline(run.id);
      const where = `run ${i} (${s.name}, ${run.plan.risk}, ${run.status}, seed ${SEED})`;
      outcomes[run.status] = (outcomes[run.status] ?? 0) + 1;

      // A legal path: each status event follows the one before it in the run machine.
      const path = timeline.map((e) => e.type).filter((t): t is RunStatus => (RUN_STATUSES as readonly string[]).includes(t));
      let from: RunStatus = 'awaiting_approval';
      for (const to of path) {
        expect(canTransition(from, to), `${where}: ${from} → ${to}`).toBe(true);
        from = to;
      }
      expect(from, where).toBe(run.status);
      expect(['succeeded', 'rejected', 'awaiting_approval'], where).toContain(run.status);

      // At most once: one `executing` event, one write to the Deployment.
      const writes = realWritesTo(h.k8s, NAMESPACE, s.components[0]);
      const executed = path.includes('executing');
      expect(path.filter((t) => t === 'executing').length, where).toBeLessThanOrEqual(1);
      expect(writes.length, where).toBe(executed ? 1 : 0);

      // Enough approvals, from approvers only, never the requester's own.
      const approvers = run.approvals.map((a) => a.userId);
      expect(new Set(approvers).size, where).toBe(approvers.length);
      for (const user of approvers) expect(VALID_APPROVERS, where).toContain(user);
      expect(approvers, where).not.toContain(run.requestedBy.id);
      if (path.includes('approved')) expect(approvers.length, where).toBeGreaterThanOrEqual(run.plan.requiredApprovals);
      // A run left waiting never had enough: the last approval of a quorum always sees the others.
      if (run.status === 'awaiting_approval') expect(approvers.length, where).toBeLessThan(run.plan.requiredApprovals);
      if (run.status === 'succeeded') {
        expect(h.k8s.getDeployment(NAMESPACE, s.components[0]!)?.spec.template.spec?.containers?.[0]?.image).toBe(IMAGE(s.components[0]!, 'v1.0.0'));
      }
    }
    // The schedule reached every ending (a schedule that executed nothing would prove little).
    expect(Object.keys(outcomes).sort()).toEqual(['awaiting_approval', 'rejected', 'succeeded']);
    // No click ended in an internal error: every refusal was an explanation.
    const internal = h.slack.responses.filter((r) => r.posts.some((p) => /Something went wrong/.test(JSON.stringify(p.body))));
    expect(internal.map((r) => r.url)).toEqual([]);
    expect(h.logLines.filter((l) => /"msg":"command failed"/.test(l)).slice(0, 3)).toEqual([]);
  }, 120_000);

  // Found by this suite (docs/RELIABILITY.md): a redelivered Reject click carries the same, already
  // exchanged trigger_id; views.open refuses it, and the person was shown "Something went wrong".
  it('answers a redelivered Reject click without an internal error', async () => {
    let waiting: FakeSlackMessage | undefined;
    for (const plan of plans) if ((await h.bot.store.getRun(runIdOf(plan)))?.status === 'awaiting_approval') waiting ??= plan;
    const first = await h.slack.clickButton({
      userId: USERS.approver,
      channelId: CHANNEL,
      messageTs: waiting!.ts,
      actionId: 'rollback_reject',
      value: runIdOf(waiting!),
      force: true,
    });
    expect(await modalOrAnswer(first.triggerId, first.responseUrl)).toBeDefined();
    await h.slack.redeliver(first);
    const answer = await h.slack.waitFor(
      () => h.slack.responses.find((r) => r.url === first.responseUrl)?.posts[0],
      5_000,
      'an answer to the redelivery',
    );
    expect(JSON.stringify(answer.body)).not.toMatch(/Something went wrong/);
    expect(JSON.stringify(answer.body)).toMatch(/already open/);
  });

  it('leaves no token or secret in any log line or Slack message', () => {
    const report = scanForSecrets([...logTexts(h.logLines), ...slackTexts(h.slack)], harnessSecrets());
    expect(report.findings).toEqual([]);
    expect(report.scanned.texts).toBeGreaterThan(CLICKS);
  });
});
