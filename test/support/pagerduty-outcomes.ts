// What the bot did with each PagerDuty delivery, read from its "PagerDuty event handled" log line.
// The webhook is answered 202 before it is acted on, so this is the positive signal a test waits for
// ("the duplicate was recorded as ignored") instead of sleeping and finding nothing.
import { eventually } from './eventually.js';

export interface HandledPagerDutyEvent {
  eventId: string;
  outcome: { kind: string; runId?: string; auto?: boolean; reason?: string };
}

export function handledPagerDutyEvents(logLines: readonly string[], eventId: string): HandledPagerDutyEvent[] {
  const handled: HandledPagerDutyEvent[] = [];
  for (const line of logLines) {
    if (!line.includes('PagerDuty event handled')) continue;
    const entry = JSON.parse(line) as Partial<HandledPagerDutyEvent> & { msg?: string };
    if (entry.msg === 'PagerDuty event handled' && entry.eventId === eventId && entry.outcome) handled.push({ eventId, outcome: entry.outcome });
  }
  return handled;
}

/** Waits until `count` deliveries of the event have been handled, and returns their outcomes in order. */
export async function waitForHandledPagerDutyEvents(
  logLines: readonly string[],
  eventId: string,
  count: number,
  timeoutMs = 10_000,
): Promise<HandledPagerDutyEvent['outcome'][]> {
  const handled = await eventually(
    async () => {
      const seen = handledPagerDutyEvents(logLines, eventId);
      return seen.length >= count ? seen : undefined;
    },
    timeoutMs,
    `${count} handled deliveries of PagerDuty event ${eventId}`,
  );
  return handled.map((h) => h.outcome);
}
