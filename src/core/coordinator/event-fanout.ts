// Hands each run event to every subscriber. A subscriber that throws or hangs is logged and left
// behind: telling people about a rollback must never stop the rollback — nor slow it. Deliveries
// run in the background, one queue per subscriber and run (so each sees one run's events in order
// while another run's slow chat.update delays nobody else); the publisher waits only for the
// subscribers that must act before the run goes on (an Alertmanager silence before the first write).
import type { Logger } from '../ports.js';
import type { RunEvent, RunEventSink, RunEventSubscriber } from './run-events.js';
import type { Run } from '../model.js';

// Long enough for Slack's retries (3 tries, ≤ 2 s apart) and PagerDuty's 10 s timeout; short enough
// that a stuck subscriber cannot hold a run (or its later events) for long.
const DEFAULT_SUBSCRIBER_TIMEOUT_MS = 20_000;

export class EventFanout implements RunEventSink {
  private readonly subscribers: RunEventSubscriber[] = [];
  /** The last delivery queued per subscriber and run; removed once it is the last and done. */
  private readonly tails = new Map<string, { runId: string; done: Promise<void> }>();

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = DEFAULT_SUBSCRIBER_TIMEOUT_MS,
  ) {}

  /** Adds a subscriber; subscribers added later see only later events. */
  subscribe(subscriber: RunEventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /**
   * Queues the event for every subscriber at once (synchronously: an event published before another
   * is delivered before it). Resolves when the subscribers that hold the run for this event
   * (`holdsRun`) have handled it (bounded); the others are delivered in the background — see `delivered`.
   */
  publish(event: RunEvent, run: Run): Promise<void> {
    const holding: Promise<void>[] = [];
    this.subscribers.forEach((subscriber, i) => {
      const key = `${i}\u0000${run.id}`;
      const previous = this.tails.get(key)?.done ?? Promise.resolve();
      const holds = subscriber.holdsRun?.(event) === true;
      // A background delivery starts after the publisher's own continuation (its next write or
      // cluster call), not before it: rendering a chat update must not delay the step it reports.
      const done = previous.then(() => (holds ? undefined : yieldToPublisher())).then(() => this.deliver(subscriber, event, run));
      const tail = { runId: run.id, done };
      this.tails.set(key, tail);
      void done.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
      if (holds) holding.push(done);
    });
    return Promise.all(holding).then(() => undefined);
  }

  /** Resolves when every event queued so far (for `runId`, or for every run) has been delivered (each bounded). */
  async delivered(runId?: string): Promise<void> {
    for (;;) {
      const pending = [...this.tails.values()].filter((t) => runId === undefined || t.runId === runId).map((t) => t.done);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  private async deliver(subscriber: RunEventSubscriber, event: RunEvent, run: Run): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([subscriber.handle(event, run).then(() => 'done' as const), timeout]);
      if (outcome === 'timeout')
        this.logger.warn(
          { runId: run.id, event: event.type, subscriber: subscriber.name },
          'run event subscriber did not answer in time; the run goes on',
        );
    } catch (error) {
      this.logger.warn({ err: error, runId: run.id, event: event.type, subscriber: subscriber.name }, 'run event subscriber failed; the run goes on');
    } finally {
      clearTimeout(timer);
    }
  }
}

function yieldToPublisher(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
