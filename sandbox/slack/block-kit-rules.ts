// Slack's published Block Kit limits (docs.slack.dev Block Kit reference; the same numbers are in
// @slack/types' JSDoc). The fake rejects what Slack rejects, so a bot that only passes against the
// fake cannot break in production on an over-long plan or too many buttons.

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  /** chat.postMessage `text`: beyond this Slack answers msg_too_long. */
  messageText: 40_000,
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  blockId: 255,
  actionId: 255,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  buttonAccessibilityLabel: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  overflowOptions: 5,
  placeholder: 150,
  imageAltText: 2000,
  imageUrl: 3000,
  imageTitle: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  markdownText: 12_000,
  modalTitle: 24,
  modalButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
} as const;

/** Block types Slack knows (the union in @slack/types' blocks.d.ts). */
export const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'actions',
  'alert',
  'card',
  'carousel',
  'container',
  'context',
  'context_actions',
  'data_table',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'plan',
  'rich_text',
  'section',
  'table',
  'task_card',
  'video',
]);

/** Interactive and input element types (the union in @slack/types' block-elements.d.ts). */
export const KNOWN_ELEMENT_TYPES: ReadonlySet<string> = new Set([
  'button',
  'channels_select',
  'checkboxes',
  'conversations_select',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'external_select',
  'feedback_buttons',
  'file_input',
  'icon_button',
  'image',
  'multi_channels_select',
  'multi_conversations_select',
  'multi_external_select',
  'multi_static_select',
  'multi_users_select',
  'number_input',
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'static_select',
  'timepicker',
  'url_text_input',
  'users_select',
  'workflow_button',
]);

/** Collects problems in Slack's own wording: "<problem> [json-pointer:/blocks/0/text/text]". */
export class BlockKitProblems {
  readonly messages: string[] = [];

  add(pointer: string, problem: string): void {
    this.messages.push(`${problem} [json-pointer:${pointer}]`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Slack counts characters, not UTF-16 units: an emoji is one character. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export function checkMaxLength(problems: BlockKitProblems, pointer: string, value: unknown, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    problems.add(pointer, 'must be a string');
    return;
  }
  if (charLength(value) > max) problems.add(pointer, `must be less than ${max + 1} characters`);
}

export interface TextRule {
  max: number;
  plainTextOnly?: boolean;
}

/** A text composition object: {type: plain_text|mrkdwn, text: 1..max chars}. */
export function checkTextObject(problems: BlockKitProblems, pointer: string, value: unknown, rule: TextRule): void {
  if (!isRecord(value)) {
    problems.add(pointer, 'must provide an object');
    return;
  }
  const allowed = rule.plainTextOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    problems.add(`${pointer}/type`, `must be ${allowed.join(' or ')}`);
  }
  if (typeof value.text !== 'string') {
    problems.add(`${pointer}/text`, 'must provide a string');
    return;
  }
  if (charLength(value.text) === 0) {
    problems.add(`${pointer}/text`, 'must be more than 0 characters');
    return;
  }
  checkMaxLength(problems, `${pointer}/text`, value.text, rule.max);
}
