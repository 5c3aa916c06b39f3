// "Trigger a PagerDuty incident": what PagerDuty sends when checkout's alert fires — a signed v3
// webhook to the bot's real /pagerduty/webhook. The bot finds the suspect deploy and posts a plan.
import { randomUUID } from 'node:crypto';
import type { FakePagerDuty } from '../pagerduty/fake-pagerduty.js';
import { buildIncidentWebhook, sendWebhook } from '../pagerduty/webhook-sender.js';
import type { DemoTrigger, TriggerResult } from './demo-trigger.js';

export const DEMO_PAGERDUTY_SERVICE = 'PCHECKOUT';

export interface PagerDutyTriggerContext {
  pagerDuty: FakePagerDuty;
  botUrl: () => string;
  webhookSecret: string;
  now: () => Date;
}

export function pagerDutyTrigger(ctx: PagerDutyTriggerContext): DemoTrigger {
  let count = 0;
  return {
    id: 'trigger-pagerduty-incident',
    label: 'Trigger a PagerDuty incident',
    description: "checkout's error-rate alert fires; PagerDuty sends a signed webhook to the bot.",
    path: '/trigger-pagerduty-incident',
    async run(): Promise<TriggerResult> {
      count++;
      const id = `PDEMO${String(count).padStart(3, '0')}`;
      const title = 'checkout: error rate above 5% for 5 minutes';
      ctx.pagerDuty.addIncident({ id, title, serviceId: DEMO_PAGERDUTY_SERVICE });
      const body = buildIncidentWebhook({
        eventId: randomUUID(),
        type: 'incident.triggered',
        incident: { id, title, serviceId: DEMO_PAGERDUTY_SERVICE, urgency: 'high', htmlUrl: `https://example.pagerduty.com/incidents/${id}` },
        occurredAt: ctx.now().toISOString(),
      });
      const delivery = await sendWebhook({ url: `${ctx.botUrl()}/pagerduty/webhook`, secret: ctx.webhookSecret, body });
      return {
        message:
          delivery.status === 202
            ? `PagerDuty incident ${id} fired; the bot answered 202 and is looking for the suspect deploy.`
            : `The bot answered ${delivery.status} to the webhook.`,
      };
    },
  };
}
