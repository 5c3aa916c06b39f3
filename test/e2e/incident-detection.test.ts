// A PagerDuty incident for a service with detection queries is classified from what Prometheus
// measures, not from the words of its title: a measured critical breach rolls back by itself under
// autoRollback even when the title alone would only have prompted, and healthy measurements keep a
// person in the loop even when the title sounds critical.
import { afterEach, expect, it } from 'vitest';
import { buildIncidentWebhook, sendWebhook } from '../../sandbox/pagerduty/webhook-sender.js';
import { startFakePrometheus, type FakePrometheus } from '../../sandbox/prometheus/fake-prometheus.js';
import { DEFAULT_CATALOG, PD_ROUTING_KEY, PD_WEBHOOK_SECRET, recordStandardHistory, startHarness, type Harness } from '../support/bot-harness.js';
import { waitForHandledPagerDutyEvents } from '../support/pagerduty-outcomes.js';
import { clusterWrites, hasButtons, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

const ERRORS = 'sum by (version) (rate(http_requests_total{service="checkout",code=~"5.."}[5m]))';

let h: Harness | undefined;
let prom: FakePrometheus | undefined;
afterEach(async () => {
  await h?.close();
  await prom?.close();
  h = prom = undefined;
});

async function start(failedErrorRate: number): Promise<Harness> {
  prom = await startFakePrometheus();
  prom.setSeries(ERRORS, [
    { labels: { version: 'v1.2.1' }, value: failedErrorRate },
    { labels: { version: 'v1.2.0' }, value: 0.0002 },
  ]);
  const blocks = [
    `    pagerduty: { services: [PCHECKOUT1], autoRollback: true, routingKey: ${PD_ROUTING_KEY} }`,
    '    detection:',
    `      url: "${prom.url}"`,
    '      versionLabel: version',
    `      queries: [{ name: error rate, kind: error_rate, query: ${JSON.stringify(ERRORS)}, max: 0.001, severity: critical }]`,
  ].join('\n');
  h = await startHarness({ catalog: DEFAULT_CATALOG.replace('    approvals:', `${blocks}\n    approvals:`), failedBehaviour: 'crash' });
  await recordStandardHistory(h);
  h.pagerDuty.addIncident({ id: 'PINC001', title: 'x', serviceId: 'PCHECKOUT1' });
  return h;
}

async function trigger(harness: Harness, title: string) {
  const body = buildIncidentWebhook({
    eventId: `evt-${title}`,
    type: 'incident.triggered',
    incident: { id: 'PINC001', title, serviceId: 'PCHECKOUT1' },
    occurredAt: '2026-11-20T11:00:00Z',
  });
  expect((await sendWebhook({ url: `${harness.bot.url}/pagerduty/webhook`, secret: PD_WEBHOOK_SECRET, body })).status).toBe(202);
  return body.event.id;
}

it('a measured critical breach rolls back by itself, though the title ("5xx rate") alone would only prompt', async () => {
  const harness = await start(0.124);
  await trigger(harness, 'checkout 5xx rate above 5 %');
  const plan = await waitForPlan(harness);
  expect(JSON.stringify(plan.blocks)).toContain(
    '*Issue detection:* CRITICAL → rollback immediately: error rate is 0.124, outside ≤ 0.001 (critical)',
  );
  await waitForThread(harness, plan, /Verification passed/);
  const view = (await harness.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json;
  expect(view.status).toBe('succeeded');
  expect(view.timeline.find((e: { type: string }) => e.type === 'approved').actor).toMatchObject({ kind: 'pagerduty', id: 'PINC001' });
});

it('healthy measurements keep a person in the loop, though the title sounds critical', async () => {
  const harness = await start(0.0003);
  const eventId = await trigger(harness, 'checkout health check failing');
  const plan = await waitForPlan(harness);
  expect(JSON.stringify(plan.blocks)).toContain('*Issue detection:* LOW → log: the detection query is within its threshold');
  expect(await waitForHandledPagerDutyEvents(harness.logLines, eventId, 1)).toEqual([{ kind: 'planned', runId: runIdOf(plan), auto: false }]);
  expect(hasButtons(plan)).toBe(true);
  expect(clusterWrites(harness)).toEqual([]);
});
