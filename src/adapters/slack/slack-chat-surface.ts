// ChatSurface over Slack's Web API: the core says what happened, this renders and posts it.
import type { webApi } from '@slack/bolt';
import type { MessageRef, Run } from '../../core/model.js';
import type { ChatSurface, Clock, Store } from '../../core/ports.js';
import type { Catalog } from '../../core/service.js';
import { planFallbackText, renderPlanBlocks, type PlanContext } from './blocks/plan-blocks.js';
import { approverRefs } from './blocks/slack-words.js';
import { renderRootCauseBlocks, rootCauseFallbackText } from './blocks/root-cause-blocks.js';
import { renderVerificationBlocks, verificationFallbackText } from './blocks/verification-blocks.js';
import { clip, LIMITS } from './blocks/block-kit.js';

export class SlackChatSurface implements ChatSurface {
  /** Plan-message updates per run, one after another. */
  private readonly updates = new Map<string, Promise<void>>();

  /**
   * `catalog`: to mention a plan's approvers (people and user groups) while it waits for them.
   * `audit`: to render each update from the run as stored when it is sent, so that updates racing
   * each other (a click's and the coordinator's) cannot leave an older state on the message; and to
   * show an executing run that someone asked to stop as "Stopping".
   */
  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    private readonly catalog?: Pick<Catalog, 'services'>,
    private readonly audit?: Pick<Store, 'timeline' | 'getRun'>,
  ) {}

  async postPlan(run: Run): Promise<MessageRef> {
    const result = await this.client.chat.postMessage({
      channel: run.channel,
      text: planFallbackText(run),
      blocks: renderPlanBlocks(run, this.clock.now(), this.planContext(run)),
    });
    if (!result.ts || !result.channel) throw new Error('chat.postMessage returned no ts/channel');
    return { channel: result.channel, ts: result.ts };
  }

  async updatePlan(run: Run): Promise<void> {
    if (!run.message) return;
    const previous = this.updates.get(run.id) ?? Promise.resolve();
    const update = previous.catch(() => undefined).then(() => this.sendUpdate(run));
    this.updates.set(run.id, update);
    try {
      await update;
    } finally {
      if (this.updates.get(run.id) === update) this.updates.delete(run.id);
    }
  }

  private async sendUpdate(given: Run): Promise<void> {
    const run = (await this.audit?.getRun(given.id)) ?? given;
    const message = run.message ?? given.message;
    if (!message) return;
    await this.client.chat.update({
      channel: message.channel,
      ts: message.ts,
      text: planFallbackText(run),
      blocks: renderPlanBlocks(run, this.clock.now(), await this.updateContext(run)),
    });
  }

  private planContext(run: Run): PlanContext {
    const approvers = this.catalog?.services.get(run.plan.service)?.approvals.approvers;
    return approvers ? { approvers: approverRefs(approvers) } : {};
  }

  private async updateContext(run: Run): Promise<PlanContext> {
    if (run.status !== 'executing' || !this.audit) return this.planContext(run);
    const stop = (await this.audit.timeline(run.id)).find((e) => e.type === 'cancel_requested');
    return { ...this.planContext(run), ...(stop ? { stopRequestedBy: stop.actor } : {}) };
  }

  async postThreadReport(run: Run, report: 'verification' | 'root_cause'): Promise<void> {
    const [text, blocks] =
      report === 'verification'
        ? [verificationFallbackText(run), renderVerificationBlocks(run)]
        : [rootCauseFallbackText(run), renderRootCauseBlocks(run)];
    // Without a recorded plan message (a stop between posting and recording it), the channel still hears.
    const where = run.message ? { channel: run.message.channel, thread_ts: run.message.ts } : { channel: run.channel };
    await this.client.chat.postMessage({ ...where, text: clip(text, LIMITS.fallbackText), blocks });
  }

  async permalink(run: Run): Promise<string | undefined> {
    if (!run.message) return undefined;
    const result = await this.client.chat.getPermalink({ channel: run.message.channel, message_ts: run.message.ts });
    return result.permalink;
  }

  /** In the plan's thread; in the run's channel when the plan message was never recorded, so it is never lost. */
  async postThreadNote(run: Run, text: string): Promise<void> {
    const where = run.message ? { channel: run.message.channel, thread_ts: run.message.ts } : { channel: run.channel };
    await this.client.chat.postMessage({ ...where, text: clip(text, LIMITS.sectionText) });
  }
}
