import { randomBytes } from 'node:crypto';
import type { SlackBlock } from './fake-slack-types.js';

function randomId(): string {
  // Slack's generated ids are short base62 strings such as "Xk3Zp".
  return randomBytes(4).toString('base64url').replace(/[-_]/g, 'x').slice(0, 5);
}

function withActionId(element: unknown): unknown {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return element;
  const record = element as Record<string, unknown>;
  if (typeof record.type !== 'string' || record.type === 'image' || record.action_id !== undefined) {
    return element;
  }
  if (record.type === 'plain_text' || record.type === 'mrkdwn') return element;
  return { ...record, action_id: randomId() };
}

/**
 * Slack stores every block with a block_id and every interactive element with an action_id,
 * generating the missing ones; interaction payloads then carry those generated ids. Returns a copy.
 */
export function withGeneratedIds(blocks: SlackBlock[]): SlackBlock[] {
  return blocks.map((block) => {
    const copy: SlackBlock = { ...block };
    if (copy.block_id === undefined) copy.block_id = randomId();
    if (copy.type === 'actions' && Array.isArray(copy.elements)) {
      copy.elements = copy.elements.map(withActionId);
    }
    if (copy.type === 'section' && copy.accessory !== undefined) {
      copy.accessory = withActionId(copy.accessory);
    }
    if (copy.type === 'input' && copy.element !== undefined) {
      copy.element = withActionId(copy.element);
    }
    return copy;
  });
}
