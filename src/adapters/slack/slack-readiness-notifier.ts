// ReadinessNotifier over Slack: one message in the service's channel.
import type { webApi } from '@slack/bolt';
import type { ReadinessNotifier } from '../../core/rehearsal/rehearsals.js';
import type { ServiceReadiness } from '../../core/rehearsal/readiness.js';
import { readinessFallbackText, renderNotReadyBlocks } from './blocks/readiness-blocks.js';
import { clip, LIMITS } from './blocks/block-kit.js';

export class SlackReadinessNotifier implements ReadinessNotifier {
  constructor(private readonly client: webApi.WebClient) {}

  async notReady(channel: string, readiness: ServiceReadiness): Promise<void> {
    await this.client.chat.postMessage({
      channel,
      text: clip(readinessFallbackText(readiness), LIMITS.fallbackText),
      blocks: renderNotReadyBlocks(readiness),
    });
  }
}
