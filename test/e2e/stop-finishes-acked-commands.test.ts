// A stop (SIGTERM: a rolling update of the bot, a node drained during the incident) finishes the
// slash commands it has already acked: their askers were told "Building a rollback plan…", so the
// plan is posted before the bot lets go of its database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { plansFor, sendCommand } from '../support/slack-flow.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await recordStandardHistory(h);
});
afterEach(async () => {
  await h.close();
});

describe('stopping with a command in flight', () => {
  it('posts the plan of a command acked before the stop, then stops', async () => {
    // The plan's cluster read answers slowly: the stop arrives while the command is being planned.
    const slowRead = h.k8s.injectFault({ method: 'GET', pathPattern: /\/deployments\/checkout-api$/, delayMs: 800, times: 1 });
    const acked = await sendCommand(h.slack, '--failed-deployment-id deploy-12345');
    expect(acked.status).toBe(200);
    expect(plansFor(h.slack, 'deploy-12345')).toHaveLength(0);
    await h.restartBot(); // stop(), then a fresh start
    expect(slowRead.remaining).toBe(0); // the slow read did happen during the planning
    expect(plansFor(h.slack, 'deploy-12345')).toHaveLength(1);
  });
});
