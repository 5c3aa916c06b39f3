// PagerDuty incidents prompt a rollback, or perform one where the service allows it; notes and a
// failure alert go back to PagerDuty. Webhooks are verified, deduplicated and answered at once.
import { afterEach, describe, expect, it } from 'vitest';
import { buildIncidentWebhook, sendWebhook } from '../../sandbox/pagerduty/webhook-sender.js';
import {
  CHANNEL,
  DEFAULT_CATALOG,
  PD_ROUTING_KEY,
  PD_WEBHOOK_SECRET,
  recordStandardHistory,
  startHarness,
  type Harness,
} from '../support/bot-harness.js';
import { waitForHandledPagerDutyEvents } from '../support/pagerduty-outcomes.js';
import { clusterWrites, hasButtons, planMessages, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

const PAGERDUTY_BLOCK = (autoRollback: boolean) =>
  `    pagerduty: { services: [PCHECKOUT1], autoRollback: ${autoRollback}, routingKey: ${PD_ROUTING_KEY} }\n`;
const catalog = (autoRollback: boolean, verification?: string) => {
  const base = DEFAULT_CATALOG.replace('    approvals:', `${PAGERDUTY_BLOCK(autoRollback)}    approvals:`);
  return verification ? base.replace('    verification:\n      timeoutSeconds: 20\n', verification) : base;
};

let h: Harness;
afterEach(async () => {
  await h.close();
});

async function start(autoRollback: boolean, verification?: string) {
  h = await startHarness({ catalog: catalog(autoRollback, verification), failedBehaviour: 'crash' });
  await recordStandardHistory(h);
  h.pagerDuty.addIncident({ id: 'PINC001', title: 'x', serviceId: 'PCHECKOUT1' });
}

function incident(type: 'incident.triggered' | 'incident.acknowledged' | 'incident.resolved', title: string, eventId = `evt-${type}`) {
  return buildIncidentWebhook({
    eventId,
    type,
    incident: { id: 'PINC001', title, serviceId: 'PCHECKOUT1', htmlUrl: 'https://example.pagerduty.com/incidents/PINC001' },
    occurredAt: '2026-11-20T11:00:00Z',
  });
}

async function send(body: ReturnType<typeof incident>, signature?: 'wrong' | 'missing') {
  return sendWebhook({ url: `${h.bot.url}/pagerduty/webhook`, secret: PD_WEBHOOK_SECRET, body, ...(signature ? { signature } : {}) });
}

describe('PagerDuty webhooks', () => {
  it('refuses unsigned, wrongly signed and tampered webhooks with 401 and does nothing', async () => {
    await start(false);
    expect((await send(incident('incident.triggered', 'Checkout error rate above 5%'), 'missing')).status).toBe(401);
    expect((await send(incident('incident.triggered', 'Checkout error rate above 5%'), 'wrong')).status).toBe(401);
    const body = incident('incident.triggered', 'Checkout error rate above 5%');
    const signed = await fetch(`${h.bot.url}/pagerduty/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pagerduty-signature': 'v1=' + 'ab'.repeat(32) },
      body: JSON.stringify(body),
    });
    expect(signed.status).toBe(401);
    expect(h.slack.messagesIn(CHANNEL)).toEqual([]);
    // The refused deliveries recorded nothing: the same event, genuinely signed, is acted on as new.
    expect((await send(body)).status).toBe(202);
    expect(await waitForHandledPagerDutyEvents(h.logLines, body.event.id, 1)).toEqual([expect.objectContaining({ kind: 'planned' })]);
    await waitForPlan(h);
    expect(planMessages(h)).toHaveLength(1);
  });

  it('prompts in the service channel for an incident after a deploy, once however often it is delivered', async () => {
    await start(false);
    const body = incident('incident.triggered', 'Checkout error rate above 5%');
    const first = await send(body);
    expect(first.status).toBe(202);
    const plan = await waitForPlan(h);
    const text = JSON.stringify(plan.blocks);
    expect(text).toContain('PagerDuty incident');
    expect(text).toContain('https://example.pagerduty.com/incidents/PINC001');
    expect(text).toContain('HIGH: the error rate rose after the deploy');
    expect(hasButtons(plan)).toBe(true);
    expect((await send(body)).status).toBe(202);
    // Both deliveries handled, in whichever order their log lines landed (on PostgreSQL the duplicate's
    // line can come before the first delivery's, which is logged once the plan has been posted).
    expect((await waitForHandledPagerDutyEvents(h.logLines, body.event.id, 2)).map((o) => o.kind).sort()).toEqual(['duplicate', 'planned']);
    expect(planMessages(h)).toHaveLength(1);
    expect(clusterWrites(h)).toEqual([]);

    expect((await send(incident('incident.acknowledged', 'Checkout error rate above 5%'))).status).toBe(202);
    await waitForThread(h, plan, /acknowledged/);
  });

  it('rolls back by itself under autoRollback when the matrix says immediately, and notes it in PagerDuty', async () => {
    await start(true);
    await send(incident('incident.triggered', 'checkout health check failing'));
    const plan = await waitForPlan(h);
    await waitForThread(h, plan, /Verification passed/);
    const view = await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`);
    expect(view.json.status).toBe('succeeded');
    expect(view.json.timeline.find((e: { type: string }) => e.type === 'approved').actor).toMatchObject({ kind: 'pagerduty', id: 'PINC001' });
    const notes = await h.pagerDuty.waitFor(() => (h.pagerDuty.notes.length >= 2 ? h.pagerDuty.notes : undefined), 10_000, 'two notes');
    expect(notes.map((n) => n.content).join('\n')).toMatch(/started[\s\S]*succeeded and was verified/);
    expect(notes[0]?.content).toContain('Slack thread: ');
  });

  it('only prompts under autoRollback when the matrix says prompt', async () => {
    await start(true);
    const body = incident('incident.triggered', 'Checkout latency p99 above 2s');
    await send(body);
    const plan = await waitForPlan(h);
    expect(hasButtons(plan)).toBe(true);
    // Handled, and not approved automatically: the run waits for a person, so nothing was written.
    expect(await waitForHandledPagerDutyEvents(h.logLines, body.event.id, 1)).toEqual([{ kind: 'planned', runId: runIdOf(plan), auto: false }]);
    expect((await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`)).json.status).toBe('awaiting_approval');
    expect(clusterWrites(h)).toEqual([]);
  });

  it('raises an alert when the rollback fails verification: manual intervention required', async () => {
    await start(true, '    verification: { http: [{ url: "http://127.0.0.1:9/healthz", status: 200 }], timeoutSeconds: 5 }\n');
    await send(incident('incident.triggered', 'checkout is down'));
    const plan = await waitForPlan(h);
    await waitForThread(h, plan, /Verification failed/);
    const alert = await h.pagerDuty.waitFor(() => h.pagerDuty.alerts[0], 10_000, 'the failure alert');
    expect(alert).toMatchObject({ routingKey: PD_ROUTING_KEY, eventAction: 'trigger', severity: 'critical' });
    expect(JSON.stringify(alert)).toContain('manual intervention required');
  });
});
