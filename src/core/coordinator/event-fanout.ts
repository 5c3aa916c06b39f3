// Hands each run event to every subscriber. A subscriber that throws or hangs is logged and left
// behind: telling people about a rollback must never stop the rollback.
import type { Logger } from '../ports.js';
import type { RunEvent, RunEventSink, RunEventSubscriber } from './run-events.js';
import type { Run } from '../model.js';

// Long enough for Slack's retries (3 tries, ≤ 2 s apart) and PagerDuty's 10 s timeout; short enough
// that a stuck subscriber cannot hold a run's next step for long.
const DEFAULT_SUBSCRIBER_TIMEOUT_MS = 20_000;

export class EventFanout implements RunEventSink {
  private readonly subscribers: RunEventSubscriber[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = DEFAULT_SUBSCRIBER_TIMEOUT_MS,
  ) {}

  /** Adds a subscriber; subscribers added later see only later events. */
  subscribe(subscriber: RunEventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** All subscribers in parallel, each awaited (bounded), so each sees one run's events in order. */
  async publish(event: RunEvent, run: Run): Promise<void> {
    await Promise.all(this.subscribers.map((s) => this.deliver(s, event, run)));
  }

  private async deliver(subscriber: RunEventSubscriber, event: RunEvent, run: Run): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), this.timeoutMs); });
    try {
      const outcome = await Promise.race([subscriber.handle(event, run).then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') this.logger.warn({ runId: run.id, event: event.type, subscriber: subscriber.name }, 'run event subscriber did not answer in time; the run goes on');
    } catch (error) {
      this.logger.warn({ err: error, runId: run.id, event: event.type, subscriber: subscriber.name }, 'run event subscriber failed; the run goes on');
    } finally {
      clearTimeout(timer);
    }
  }
}
