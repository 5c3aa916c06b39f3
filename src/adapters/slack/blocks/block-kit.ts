// Small, limit-aware constructors for the Block Kit we use. Slack rejects a whole message when one
// text is too long, so every builder clips to Slack's documented limits here, in one place.
import type { types } from '@slack/bolt';

export type Block = types.KnownBlock;

export const LIMITS = { sectionText: 3000, headerText: 150, buttonText: 75, contextText: 2000, blocks: 50, fallbackText: 3000 } as const;

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '… (truncated)';
  return text.slice(0, max - marker.length) + marker;
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.headerText), emoji: true } };
}

export function section(mrkdwn: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, LIMITS.sectionText) } };
}

export function fields(pairs: Array<[string, string]>): Block {
  return {
    type: 'section',
    fields: pairs.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: clip(`*${label}*\n${value}`, 2000) })),
  };
}

export function context(mrkdwn: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(mrkdwn, LIMITS.contextText) }] };
}

export function divider(): Block {
  return { type: 'divider' };
}

/** Slack mrkdwn treats &, < and > specially; text from outside (logs, events) must not become markup. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function inlineCode(text: string): string {
  return '`' + escapeMrkdwn(text).replaceAll('`', "'") + '`';
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
