// The Slack adapter's run-event subscriber: what each event says in the plan's thread (the plan
// message itself is kept up to date by the core's plan-message subscriber through ChatSurface).
import type { webApi } from '@slack/bolt';
import type { RunEvent, RunEventSubscriber } from '../../core/coordinator/run-events.js';
import type { Run } from '../../core/model.js';
import type { Store } from '../../core/ports.js';
import { renderRunEventNote, type NoteLinks } from './blocks/run-event-notes.js';

export class SlackThreadNotes implements RunEventSubscriber {
  readonly name = 'slack-thread-notes';

  constructor(
    private readonly client: webApi.WebClient,
    private readonly store: Pick<Store, 'getRun'>,
  ) {}

  async handle(event: RunEvent, run: Run): Promise<void> {
    const note = renderRunEventNote(event, run, event.type === 'replanned' ? await this.linksTo(event.newRunId) : {});
    if (!note) return;
    // In the plan's thread; in the run's channel when the plan message was never recorded, so it is never lost.
    const where = run.message ? { channel: run.message.channel, thread_ts: run.message.ts } : { channel: run.channel };
    await this.client.chat.postMessage({ ...where, text: note.text, blocks: note.blocks });
  }

  /** A link to the new plan is a convenience: without one the note still names the run. */
  private async linksTo(runId: string): Promise<NoteLinks> {
    try {
      const message = (await this.store.getRun(runId))?.message;
      if (!message) return {};
      const { permalink } = await this.client.chat.getPermalink({ channel: message.channel, message_ts: message.ts });
      return permalink ? { newPlan: permalink } : {};
    } catch {
      return {};
    }
  }
}
