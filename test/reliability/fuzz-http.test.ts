// 3,500 seeded random inputs over real HTTP to the running bot (the in-process 96,500 are in
// fuzz-parsers.test.ts): slash-command texts and button values signed as Slack signs them, PagerDuty
// webhook bodies signed with the right secret, and deployment records with the right token — so each
// gets past authentication and meets the parsers and use cases. No answer is a 5xx, every person gets
// an explanation (never "something went wrong"), nothing is planned or written, and the bot stays up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook } from '../../sandbox/pagerduty/webhook-sender.js';
import { tokenize } from '../../src/core/command.js';
import type { InteractionDelivery, SlashCommandDelivery } from '../../sandbox/slack/slack-user-simulator.js';
import { CHANNEL, PD_WEBHOOK_SECRET, USERS, startHarness, type Harness } from '../support/bot-harness.js';
import { deploymentSeed, incidentWebhookSeed, mutate, randomButtonValue, randomSlashText } from '../support/fuzz-inputs.js';
import { forEachConcurrently } from '../support/pool.js';
import { createPrng, suiteSeed } from '../support/prng.js';
import { harnessSecrets, logTexts, scanForSecrets, slackTexts } from '../support/secret-scan.js';
import { SLASH } from '../support/slack-flow.js';

const COUNTS = { slashTexts: 1_500, buttonValues: 1_000, webhookBodies: 500, deploymentBodies: 500 } as const;
const SEED = suiteSeed(90_210);
const CONCURRENCY = 8;

// What a person may be shown: an explanation, the usage, the "working on it" ack, or a status answer.
const USER_FACING = [
  /^:warning: /,
  /^\*Usage\*/,
  /^Building a rollback plan for /,
  /^No rollback is in progress/,
  /^Active rollbacks/,
  /^No deployments of /,
  /^Recent deployments/,
];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  const report = scanForSecrets([...logTexts(h.logLines), ...slackTexts(h.slack)], harnessSecrets());
  await h.close();
  expect(report.findings).toEqual([]);
});

function namesAService(text: string): boolean {
  try {
    return h.bot.built.deps.catalog.services.has(tokenize(text)[0] ?? '');
  } catch {
    return false;
  }
}

function postsTo(responseUrl: string | undefined): string[] {
  return (h.slack.responses.find((r) => r.url === responseUrl)?.posts ?? []).map((p) =>
    String((p.body as { text?: unknown } | undefined)?.text ?? JSON.stringify(p.body)),
  );
}

function ackText(delivery: SlashCommandDelivery): string {
  return String((delivery.json as { text?: unknown } | undefined)?.text ?? delivery.body);
}

describe(`fuzzing the running bot over HTTP (seed ${SEED})`, () => {
  it(`answers ${COUNTS.slashTexts.toLocaleString('en')} random slash commands within Slack's deadline, each with an explanation`, async () => {
    const prng = createPrng(SEED);
    // A text that starts with a service's name is a real rollback request (`/smartspec_rollback
    // checkout`): the end-to-end tests cover those; here every text must be one the bot refuses.
    const texts = Array.from({ length: COUNTS.slashTexts }, () => randomSlashText(prng).slice(0, 4_000)).filter((t) => !namesAService(t));
    const deliveries: SlashCommandDelivery[] = [];
    await forEachConcurrently(texts, CONCURRENCY, async (text) => {
      deliveries.push(await h.slack.sendSlashCommand({ command: SLASH, text, userId: USERS.requester, channelId: CHANNEL }));
    });
    expect(
      deliveries.filter((d) => d.status !== 200 || d.ackProblems !== undefined).map((d) => [d.status, d.ackProblems, d.payload['text']]),
    ).toEqual([]);
    expect(Math.max(...deliveries.map((d) => d.elapsedMs))).toBeLessThan(3_000);
    // Work that continues after the ack answers through response_url: wait for each of those answers.
    const followed = deliveries.filter((d) => d.body === '' || /^Building/.test(ackText(d)));
    await h.slack.waitFor(() => followed.every((d) => postsTo(d.responseUrl).length > 0), 20_000, 'an answer to every command');
    const shown = deliveries.flatMap((d) => [...(d.body === '' ? [] : [ackText(d)]), ...postsTo(d.responseUrl)]);
    expect(shown.filter((t) => !USER_FACING.some((p) => p.test(t))).slice(0, 5)).toEqual([]);
  });

  it(`answers ${COUNTS.buttonValues.toLocaleString('en')} clicks carrying random button values with an explanation, deciding nothing`, async () => {
    const prng = createPrng(SEED + 1);
    const clicks = Array.from({ length: COUNTS.buttonValues }, () => ({
      value: randomButtonValue(prng),
      action: prng.pick(['rollback_approve', 'rollback_reject', 'rollback_cancel', 'rollback_retry'] as const),
    }));
    const deliveries: InteractionDelivery[] = [];
    await forEachConcurrently(clicks, CONCURRENCY, async ({ value, action }) => {
      deliveries.push(
        await h.slack.clickButton({
          userId: USERS.approver,
          channelId: CHANNEL,
          messageTs: '1795000000.000100',
          actionId: action,
          value,
          force: true,
        }),
      );
    });
    expect(deliveries.filter((d) => d.status !== 200).map((d) => d.status)).toEqual([]);
    await h.slack.waitFor(() => deliveries.every((d) => postsTo(d.responseUrl).length > 0), 20_000, 'an answer to every click');
    const answers = deliveries.flatMap((d) => postsTo(d.responseUrl));
    expect(answers.filter((t) => !/does not carry a valid run id|There is no rollback run/.test(t)).slice(0, 5)).toEqual([]);
    expect(h.slack.views).toEqual([]);
  });

  it(`takes ${COUNTS.webhookBodies.toLocaleString('en')} signed random PagerDuty bodies without a 5xx, acting on none`, async () => {
    const prng = createPrng(SEED + 2);
    const bodies = Array.from({ length: COUNTS.webhookBodies }, () =>
      prng.chance(0.1) ? randomSlashText(prng) : JSON.stringify(mutate(prng, incidentWebhookSeed(prng))),
    );
    const statuses: number[] = [];
    await forEachConcurrently(bodies, CONCURRENCY, async (body) => {
      statuses.push((await sendWebhook({ url: `${h.bot.url}/pagerduty/webhook`, secret: PD_WEBHOOK_SECRET, body })).status);
    });
    expect(statuses.filter((s) => s !== 202 && s !== 413)).toEqual([]);
  });

  it(`answers ${COUNTS.deploymentBodies.toLocaleString('en')} random deployment records with a 2xx, or a 4xx naming the fields`, async () => {
    const prng = createPrng(SEED + 3);
    const bodies = Array.from({ length: COUNTS.deploymentBodies }, () => mutate(prng, deploymentSeed(prng)));
    const answers: Array<{ status: number; json: any }> = [];
    await forEachConcurrently(bodies, CONCURRENCY, async (body) => {
      answers.push(await h.api('POST', '/api/v1/deployments', body));
    });
    expect(answers.filter((a) => ![200, 201, 400, 409, 413].includes(a.status)).map((a) => [a.status, a.json])).toEqual([]);
    const refusals = answers.filter((a) => a.status === 400);
    expect(refusals.length).toBeGreaterThan(0);
    for (const { json } of refusals) {
      expect(typeof json.error).toBe('string');
      if (json.issues) for (const issue of json.issues) expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
    }
  });

  it('is still up and healthy, planned nothing, wrote nothing, and logged no internal error', async () => {
    expect((await h.api('GET', '/healthz', undefined, null)).status).toBe(200);
    expect(h.slack.messagesIn(CHANNEL)).toEqual([]);
    expect(h.k8s.requests.filter((r) => !['GET', 'HEAD'].includes(r.method))).toEqual([]);
    expect(h.logLines.filter((l) => /"level":(50|60)/.test(l)).slice(0, 3)).toEqual([]);
  });
});
