import { checkElement } from './block-kit-element-limits.js';
import {
  BLOCK_KIT_LIMITS as L,
  BlockKitProblems,
  KNOWN_BLOCK_TYPES,
  charLength,
  checkMaxLength,
  checkTextObject,
  isRecord,
} from './block-kit-rules.js';

export { BLOCK_KIT_LIMITS, KNOWN_BLOCK_TYPES } from './block-kit-rules.js';

export type BlockSurface = 'message' | 'modal';

/**
 * Problems Slack would report for `blocks` on a surface, each as
 * "<problem> [json-pointer:/blocks/…]". Empty means Slack would accept them.
 */
export function validateBlocks(blocks: unknown, surface: BlockSurface): string[] {
  const problems = new BlockKitProblems();
  checkBlocks(problems, '/blocks', blocks, surface);
  return problems.messages;
}

/** `text` of a message: Slack answers msg_too_long past 40,000 characters. */
export function isMessageTextTooLong(text: string): boolean {
  return charLength(text) > L.messageText;
}

/** A modal as passed to views.open / views.update. */
export function validateModalView(view: unknown): string[] {
  const problems = new BlockKitProblems();
  if (!isRecord(view)) {
    problems.add('/view', 'must provide an object');
    return problems.messages;
  }
  if (view.type !== 'modal') problems.add('/view/type', 'must be modal');
  checkTextObject(problems, '/view/title', view.title, { max: L.modalTitle, plainTextOnly: true });
  for (const key of ['submit', 'close'] as const) {
    if (view[key] !== undefined) {
      checkTextObject(problems, `/view/${key}`, view[key], {
        max: L.modalButton,
        plainTextOnly: true,
      });
    }
  }
  checkMaxLength(problems, '/view/callback_id', view.callback_id, L.callbackId);
  checkMaxLength(problems, '/view/private_metadata', view.private_metadata, L.privateMetadata);
  checkBlocks(problems, '/view/blocks', view.blocks, 'modal');
  return problems.messages;
}

function checkBlocks(problems: BlockKitProblems, pointer: string, blocks: unknown, surface: BlockSurface): void {
  if (!Array.isArray(blocks)) {
    problems.add(pointer, 'must provide an array');
    return;
  }
  const max = surface === 'modal' ? L.modalBlocks : L.messageBlocks;
  if (blocks.length > max) problems.add(pointer, `must be less than ${max + 1} items`);
  const blockIds = new Set<string>();
  blocks.forEach((block: unknown, i) => {
    const at = `${pointer}/${i}`;
    checkBlock(problems, at, block);
    if (isRecord(block) && typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) {
        problems.add(`${at}/block_id`, `duplicate block_id: ${block.block_id}`);
      }
      blockIds.add(block.block_id);
    }
  });
}

function checkBlock(problems: BlockKitProblems, pointer: string, block: unknown): void {
  if (!isRecord(block)) {
    problems.add(pointer, 'must provide an object');
    return;
  }
  if (typeof block.type !== 'string' || !KNOWN_BLOCK_TYPES.has(block.type)) {
    problems.add(`${pointer}/type`, `unsupported type: ${String(block.type)}`);
    return;
  }
  checkMaxLength(problems, `${pointer}/block_id`, block.block_id, L.blockId);
  switch (block.type) {
    case 'section':
      return checkSection(problems, pointer, block);
    case 'header':
      return checkTextObject(problems, `${pointer}/text`, block.text, {
        max: L.headerText,
        plainTextOnly: true,
      });
    case 'actions':
      return checkActions(problems, pointer, block);
    case 'context':
      return checkContext(problems, pointer, block);
    case 'image':
      checkMaxLength(problems, `${pointer}/alt_text`, block.alt_text, L.imageAltText);
      checkMaxLength(problems, `${pointer}/image_url`, block.image_url, L.imageUrl);
      if (block.title !== undefined) {
        checkTextObject(problems, `${pointer}/title`, block.title, {
          max: L.imageTitle,
          plainTextOnly: true,
        });
      }
      return;
    case 'input':
      checkTextObject(problems, `${pointer}/label`, block.label, {
        max: L.inputLabel,
        plainTextOnly: true,
      });
      if (block.hint !== undefined) {
        checkTextObject(problems, `${pointer}/hint`, block.hint, {
          max: L.inputHint,
          plainTextOnly: true,
        });
      }
      checkElement(problems, `${pointer}/element`, block.element);
      return;
    case 'markdown':
      checkMaxLength(problems, `${pointer}/text`, block.text, L.markdownText);
      return;
    default:
      return; // divider, rich_text, video … carry no limit this bot can hit
  }
}

function checkSection(problems: BlockKitProblems, pointer: string, block: Record<string, unknown>): void {
  if (block.text === undefined && block.fields === undefined) {
    problems.add(pointer, 'must provide text or fields');
  }
  if (block.text !== undefined) {
    checkTextObject(problems, `${pointer}/text`, block.text, { max: L.sectionText });
  }
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields)) {
      problems.add(`${pointer}/fields`, 'must provide an array');
    } else {
      if (block.fields.length > L.sectionFields) {
        problems.add(`${pointer}/fields`, `must be less than ${L.sectionFields + 1} items`);
      }
      block.fields.forEach((field: unknown, i) => {
        checkTextObject(problems, `${pointer}/fields/${i}`, field, { max: L.sectionFieldText });
      });
    }
  }
  if (block.accessory !== undefined) checkElement(problems, `${pointer}/accessory`, block.accessory);
}

function checkActions(problems: BlockKitProblems, pointer: string, block: Record<string, unknown>): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0) {
    problems.add(`${pointer}/elements`, 'must provide a non-empty array');
    return;
  }
  if (elements.length > L.actionsElements) {
    problems.add(`${pointer}/elements`, `must be less than ${L.actionsElements + 1} items`);
  }
  const actionIds = new Set<string>();
  elements.forEach((element: unknown, i) => {
    const at = `${pointer}/elements/${i}`;
    const actionId = checkElement(problems, at, element);
    if (actionId === undefined) return;
    if (actionIds.has(actionId)) problems.add(`${at}/action_id`, `duplicate action_id: ${actionId}`);
    actionIds.add(actionId);
  });
}

function checkContext(problems: BlockKitProblems, pointer: string, block: Record<string, unknown>): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0) {
    problems.add(`${pointer}/elements`, 'must provide a non-empty array');
    return;
  }
  if (elements.length > L.contextElements) {
    problems.add(`${pointer}/elements`, `must be less than ${L.contextElements + 1} items`);
  }
  elements.forEach((element: unknown, i) => {
    const at = `${pointer}/elements/${i}`;
    if (isRecord(element) && element.type === 'image') {
      checkMaxLength(problems, `${at}/alt_text`, element.alt_text, L.imageAltText);
      return;
    }
    checkTextObject(problems, at, element, { max: L.textObject });
  });
}
