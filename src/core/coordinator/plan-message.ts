// Keeps the plan message in step with its run (status, progress, buttons) and posts the reports
// when they are recorded. The chat adapter renders from the run's domain data; thread notes for
// the events themselves are the chat adapter's own subscriber.
import type { ChatSurface } from '../ports.js';
import type { Run } from '../model.js';
import type { RunEvent, RunEventSubscriber } from './run-events.js';

// Events that change nothing the plan message shows.
const NOT_SHOWN: ReadonlySet<RunEvent['type']> = new Set([
  'planned',
  'reshown',
  'reminder_due',
  'replanned',
  'replan_failed',
  'incident_progress',
  'verified',
]);

export class PlanMessageSubscriber implements RunEventSubscriber {
  readonly name = 'plan-message';

  constructor(private readonly chat: ChatSurface) {}

  async handle(event: RunEvent, run: Run): Promise<void> {
    if (event.type === 'reports_ready') {
      if (event.verification && run.verification) await this.chat.postThreadReport(run, 'verification');
      if (event.rootCause && run.rootCause) await this.chat.postThreadReport(run, 'root_cause');
      return;
    }
    if (NOT_SHOWN.has(event.type) || !run.message) return;
    await this.chat.updatePlan(run);
  }
}
