// approvals.maxAutoRisk (default MEDIUM) caps what runs without people: --auto-approve in Slack, API
// auto-approve and PagerDuty autoRollback. Above it the plan waits for approvers, says why, and the
// audit records it; nothing touches the cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { buildIncidentWebhook, sendWebhook } from '../../sandbox/pagerduty/webhook-sender.js';
import { CHANNEL, DEFAULT_CATALOG, PD_ROUTING_KEY, PD_WEBHOOK_SECRET, startHarness, USERS, type Harness } from '../support/bot-harness.js';
import { eventually } from '../support/eventually.js';
import { waitForHandledPagerDutyEvents } from '../support/pagerduty-outcomes.js';
import { command, hasButtons, realClusterWrites, runIdOf, waitForPlan, waitForThread } from './flow-helpers.js';

const CATALOG = DEFAULT_CATALOG.replace('autoApprove: [U0CIBOT]', 'autoApprove: [U0CIBOT]\n      apiAutoApprove: true').replace(
  '    approvals:',
  `    pagerduty: { services: [PCHECKOUT1], autoRollback: true, routingKey: ${PD_ROUTING_KEY} }\n    approvals:`,
);

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** The failed deploy added a (reversible) migration: undoing it makes the plan HIGH risk. */
async function start(catalog = CATALOG) {
  h = await startHarness({ catalog, failedBehaviour: 'crash' });
  await h.recordDeployment({ id: 'deploy-100', version: 'v1.1.0', createdAt: '2026-11-18T09:00:00Z' });
  await h.recordDeployment({ id: 'deploy-200', version: 'v1.2.0', createdAt: '2026-11-19T09:00:00Z' });
  await h.recordDeployment({
    id: 'deploy-12345',
    version: 'v1.2.1',
    createdAt: '2026-11-20T10:30:00Z',
    status: 'failed',
    migrations: [{ id: '20261120_orders_v2', reversible: true, destructive: false, mayLoseData: false }],
  });
}

async function timelineTypes(runId: string): Promise<string[]> {
  const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
  return view.json.timeline.map((e: { type: string }) => e.type);
}

describe('automatic approval above approvals.maxAutoRisk waits for people', () => {
  it('Slack --auto-approve: a HIGH plan waits for 2 approvers, says why in the plan and the thread, and is audited', async () => {
    await start();
    await command(h, '--failed-deployment-id deploy-12345 --auto-approve', USERS.ciBot);
    const plan = await waitForPlan(h);
    await waitForThread(h, plan, /Not approved automatically \(auto-approve\): risk HIGH is above approvals.maxAutoRisk MEDIUM/);
    const runId = runIdOf(plan);
    const view = await h.api('GET', `/api/v1/rollbacks/${runId}`);
    expect(view.json).toMatchObject({
      status: 'awaiting_approval',
      risk: 'HIGH',
      requiredApprovals: 2,
      automation: { via: 'auto-approve', allowed: false },
    });
    expect(await timelineTypes(runId)).toContain('auto_approval_withheld');
    expect(JSON.stringify(plan.blocks)).toContain('Not approved automatically');
    expect(hasButtons(plan)).toBe(true);
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('API auto-approve: answered with the waiting plan and why', async () => {
    await start();
    const created = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12345', autoApprove: true });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'awaiting_approval', risk: 'HIGH', automation: { via: 'api auto-approve', allowed: false } });
    expect(created.json.automation.reason).toContain('above approvals.maxAutoRisk MEDIUM');
    expect(await timelineTypes(created.json.id)).toContain('auto_approval_withheld');
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('PagerDuty autoRollback: an "immediately" incident on a HIGH plan only prompts', async () => {
    await start();
    h.pagerDuty.addIncident({ id: 'PINC001', title: 'x', serviceId: 'PCHECKOUT1' });
    const body = buildIncidentWebhook({
      eventId: 'evt-1',
      type: 'incident.triggered',
      incident: { id: 'PINC001', title: 'checkout health check failing', serviceId: 'PCHECKOUT1' },
      occurredAt: '2026-11-20T11:00:00Z',
    });
    expect((await sendWebhook({ url: `${h.bot.url}/pagerduty/webhook`, secret: PD_WEBHOOK_SECRET, body })).status).toBe(202);
    expect(await waitForHandledPagerDutyEvents(h.logLines, 'evt-1', 1)).toEqual([expect.objectContaining({ kind: 'planned', auto: false })]);
    const plan = await waitForPlan(h);
    await waitForThread(h, plan, /Not approved automatically \(pagerduty autoRollback\)/);
    const view = await h.api('GET', `/api/v1/rollbacks/${runIdOf(plan)}`);
    expect(view.json).toMatchObject({ status: 'awaiting_approval', automation: { via: 'pagerduty autoRollback', allowed: false } });
    expect(realClusterWrites(h)).toEqual([]);
  });

  it('raising approvals.maxAutoRisk to HIGH lets the same plan run without people', async () => {
    await start(CATALOG.replace('apiAutoApprove: true', 'apiAutoApprove: true\n      maxAutoRisk: HIGH'));
    const created = await h.api('POST', '/api/v1/rollbacks', { failedDeploymentId: 'deploy-12345', autoApprove: true });
    expect(created.json.automation).toMatchObject({ allowed: true });
    const status = await eventually(
      async () => {
        const view = await h.api('GET', `/api/v1/rollbacks/${created.json.id}`);
        return ['succeeded', 'failed'].includes(view.json.status) ? view.json.status : undefined;
      },
      60_000,
      'the auto-approved run to finish',
    );
    expect(status).toBe('succeeded');
    expect(h.slack.messagesIn(CHANNEL)).toHaveLength(1);
  });
});
