import { BLOCK_KIT_LIMITS as L, type BlockKitProblems, KNOWN_ELEMENT_TYPES, checkMaxLength, checkTextObject, isRecord } from './block-kit-rules.js';

/**
 * Checks one interactive/input element (button, select, overflow …) wherever it sits: an actions
 * block, a section accessory or an input block. Returns its action_id (if any) so the caller can
 * reject duplicates within the block, as Slack does.
 */
export function checkElement(problems: BlockKitProblems, pointer: string, element: unknown): string | undefined {
  if (!isRecord(element)) {
    problems.add(pointer, 'must provide an object');
    return undefined;
  }
  const type = element.type;
  if (typeof type !== 'string' || !KNOWN_ELEMENT_TYPES.has(type)) {
    problems.add(`${pointer}/type`, `unsupported type: ${String(type)}`);
    return undefined;
  }
  checkMaxLength(problems, `${pointer}/action_id`, element.action_id, L.actionId);
  if (element.placeholder !== undefined) {
    checkTextObject(problems, `${pointer}/placeholder`, element.placeholder, {
      max: L.placeholder,
      plainTextOnly: true,
    });
  }
  if (element.confirm !== undefined) checkConfirm(problems, `${pointer}/confirm`, element.confirm);

  switch (type) {
    case 'button':
    case 'workflow_button':
      checkButton(problems, pointer, element);
      break;
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons':
    case 'checkboxes':
      checkOptions(problems, pointer, element, L.selectOptions);
      break;
    case 'overflow':
      checkOptions(problems, pointer, element, L.overflowOptions);
      break;
    default:
      break;
  }
  return typeof element.action_id === 'string' ? element.action_id : undefined;
}

function checkButton(problems: BlockKitProblems, pointer: string, button: Record<string, unknown>): void {
  checkTextObject(problems, `${pointer}/text`, button.text, {
    max: L.buttonText,
    plainTextOnly: true,
  });
  checkMaxLength(problems, `${pointer}/value`, button.value, L.buttonValue);
  checkMaxLength(problems, `${pointer}/url`, button.url, L.buttonUrl);
  checkMaxLength(problems, `${pointer}/accessibility_label`, button.accessibility_label, L.buttonAccessibilityLabel);
  if (button.style !== undefined && button.style !== 'primary' && button.style !== 'danger') {
    problems.add(`${pointer}/style`, 'must be one of primary, danger');
  }
}

function checkOptions(problems: BlockKitProblems, pointer: string, element: Record<string, unknown>, maxOptions: number): void {
  const options = element.options;
  if (options === undefined) return; // option_groups / external data sources are not modelled
  if (!Array.isArray(options)) {
    problems.add(`${pointer}/options`, 'must provide an array');
    return;
  }
  if (options.length > maxOptions) {
    problems.add(`${pointer}/options`, `must be less than ${maxOptions + 1} items`);
  }
  options.forEach((option: unknown, i) => {
    const at = `${pointer}/options/${i}`;
    if (!isRecord(option)) {
      problems.add(at, 'must provide an object');
      return;
    }
    checkTextObject(problems, `${at}/text`, option.text, { max: L.optionText });
    checkMaxLength(problems, `${at}/value`, option.value, L.optionValue);
  });
}

function checkConfirm(problems: BlockKitProblems, pointer: string, confirm: unknown): void {
  if (!isRecord(confirm)) {
    problems.add(pointer, 'must provide an object');
    return;
  }
  checkTextObject(problems, `${pointer}/title`, confirm.title, {
    max: L.confirmTitle,
    plainTextOnly: true,
  });
  checkTextObject(problems, `${pointer}/text`, confirm.text, { max: L.confirmText });
  checkTextObject(problems, `${pointer}/confirm`, confirm.confirm, {
    max: L.confirmButton,
    plainTextOnly: true,
  });
  checkTextObject(problems, `${pointer}/deny`, confirm.deny, {
    max: L.confirmButton,
    plainTextOnly: true,
  });
}
