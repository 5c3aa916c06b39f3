// A database step's output belongs in the thread even when it succeeds: people want to see that the
// backup was written and which migrations were reverted before the application moves. (A failed
// step's output is already in the failure note.) Plain text; the chat adapter renders it.
import { isDatabaseStep } from './database-steps.js';
import type { Run } from './model.js';
import type { ChatSurface } from './ports.js';
import type { RunEvent, RunEventSubscriber } from './coordinator/run-events.js';

export class DatabaseStepNotes implements RunEventSubscriber {
  readonly name = 'database-step-notes';

  constructor(private readonly chat: Pick<ChatSurface, 'postThreadNote'>) {}

  async handle(event: RunEvent, run: Run): Promise<void> {
    if (event.type !== 'step_done') return;
    const step = run.plan.steps.find((s) => s.index === event.step.index);
    if (!step || !isDatabaseStep(step)) return;
    await this.chat.postThreadNote(
      run,
      `Step ${event.step.index} of ${event.of} done (${step.kind === 'database_backup' ? 'database backup' : `migrate down ${step.migration}`}): ${event.detail}`,
    );
  }
}
