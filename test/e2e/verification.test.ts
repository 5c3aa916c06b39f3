// Verification is more than a finished rollout: a metric that stays bad fails the run, says so in
// the thread with the measured value and threshold, and the plan message shows the failure.
import { afterEach, expect, it } from 'vitest';
import { startFakePrometheus, type FakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';
import { CHANNEL, DEFAULT_CATALOG, recordStandardHistory, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { click, command, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

let h: Harness;
let prom: FakePrometheus;
afterEach(async () => {
  await h.close();
  await prom.close();
});

it('fails the rollback when the error rate stays above its threshold after the rollout', async () => {
  prom = await startFakePrometheus();
  prom.set('sum(rate(http_errors[1m]))', [0.2]);
  const catalog = DEFAULT_CATALOG.replace(
    '    verification:\n      timeoutSeconds: 20\n',
    `    verification:\n      timeoutSeconds: 20\n      prometheus: [{ name: error rate, url: "${prom.url}", query: "sum(rate(http_errors[1m]))", max: 0.05, samples: 2, intervalSeconds: 0.1 }]\n`,
  );
  h = await startHarness({ catalog, failedBehaviour: 'crash' });
  await recordStandardHistory(h);
  await command(h, '--failed-deployment-id deploy-12345');
  const plan = await waitForPlan(h);
  await click(h, plan, 'rollback_approve', USERS.approver);
  const report = await waitForThread(h, plan, /Verification failed/);
  const text = JSON.stringify(report.blocks);
  expect(text).toContain('prometheus error rate');
  expect(text).toContain('0.2');
  expect(text).toContain('≤ 0.05');
  const view = await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`);
  expect(view.json.status).toBe('failed');
  // The plan message itself, updated in place: it says the rollback failed and offers no decision.
  const updated = await h.slack.waitFor(
    () => {
      const message = h.slack.findMessage(CHANNEL, plan.ts);
      return message && /Rollback failed/.test(JSON.stringify(message.blocks)) ? message : undefined;
    },
    5_000,
    'failed plan message',
  );
  expect(JSON.stringify(updated.blocks)).not.toMatch(/rollback_approve|rollback_reject/);
});
