// Payload pieces shaped after @slack/bolt's types (SlashCommand in types/command, BlockAction in
// types/actions/block-action, ViewSubmitAction / ViewStateValue in types/view) and Slack's
// documented examples.
import type { FakeSlackView, SlackBlock } from './fake-slack-types.js';
import type { FakeSlackWorkspace } from './fake-slack-workspace.js';

export function payloadUser(ws: FakeSlackWorkspace, userId: string) {
  const name = ws.users.get(userId)?.name ?? userId.toLowerCase();
  return { id: userId, username: name, name, team_id: ws.identity.teamId };
}

export function payloadTeam(ws: FakeSlackWorkspace) {
  return { id: ws.identity.teamId, domain: ws.identity.teamDomain };
}

export interface FoundButton {
  blockId: string;
  element: Record<string, unknown>;
}

/** Buttons a user can see in a message: in actions blocks and as section accessories. */
export function buttonsIn(blocks: SlackBlock[]): FoundButton[] {
  const found: FoundButton[] = [];
  for (const block of blocks) {
    const blockId = typeof block.block_id === 'string' ? block.block_id : '';
    const candidates =
      block.type === 'actions' && Array.isArray(block.elements)
        ? (block.elements as unknown[])
        : block.type === 'section' && block.accessory !== undefined
          ? [block.accessory]
          : [];
    for (const element of candidates) {
      if (typeof element === 'object' && element !== null) {
        const record = element as Record<string, unknown>;
        if (record.type === 'button') found.push({ blockId, element: record });
      }
    }
  }
  return found;
}

export function describeButtons(buttons: FoundButton[]): string {
  if (buttons.length === 0) return 'no buttons';
  return buttons
    .map((b) => {
      const value = JSON.stringify(b.element.value ?? null);
      return `${String(b.element.action_id)}=${value} (block ${b.blockId})`;
    })
    .join(', ');
}

/** A value for one input of a modal: a plain string is turned into the element's state shape. */
export type ViewInputValue = string | string[] | Record<string, unknown>;

/**
 * view.state.values as Slack sends it on submit: every input block, keyed block_id → action_id.
 * A required input left empty makes Slack's client refuse to submit, so that throws here.
 */
export function buildViewState(
  view: FakeSlackView,
  given: Record<string, Record<string, ViewInputValue>>,
): Record<string, Record<string, Record<string, unknown>>> {
  const blocks = (view.view.blocks ?? []) as SlackBlock[];
  type Input = { actionId: string; element: Record<string, unknown>; optional: boolean };
  const inputs = new Map<string, Input>();
  for (const block of blocks) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const element = (block.element ?? {}) as Record<string, unknown>;
    inputs.set(block.block_id, {
      actionId: String(element.action_id),
      element,
      optional: block.optional === true,
    });
  }
  for (const [blockId, byAction] of Object.entries(given)) {
    const input = inputs.get(blockId);
    if (!input) {
      const known = [...inputs.keys()].join(', ') || 'none';
      throw new Error(`view ${view.id} has no input block "${blockId}" (has: ${known})`);
    }
    for (const actionId of Object.keys(byAction)) {
      if (actionId !== input.actionId) {
        throw new Error(`input block "${blockId}" has action_id "${input.actionId}", not "${actionId}"`);
      }
    }
  }
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [blockId, input] of inputs) {
    const provided = given[blockId]?.[input.actionId];
    if (provided === undefined && !input.optional) {
      throw new Error(`required input "${blockId}" of view ${view.id} has no value; Slack would not submit`);
    }
    values[blockId] = { [input.actionId]: stateValue(input.element, provided) };
  }
  return values;
}

function stateValue(element: Record<string, unknown>, provided: ViewInputValue | undefined) {
  const type = String(element.type);
  if (provided !== undefined && typeof provided === 'object' && !Array.isArray(provided)) {
    return { type, ...provided };
  }
  const options = Array.isArray(element.options) ? (element.options as Record<string, unknown>[]) : [];
  const option = (value: string) => {
    const match = options.find((o) => o.value === value);
    if (!match) throw new Error(`"${value}" is not an option of ${String(element.action_id)}`);
    return { text: match.text, value };
  };
  switch (type) {
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: typeof provided === 'string' ? option(provided) : null };
    case 'multi_static_select':
    case 'checkboxes': {
      const list = provided === undefined ? [] : Array.isArray(provided) ? provided : [provided];
      return { type, selected_options: list.map(option) };
    }
    case 'users_select':
      return { type, selected_user: provided ?? null };
    case 'conversations_select':
      return { type, selected_conversation: provided ?? null };
    case 'channels_select':
      return { type, selected_channel: provided ?? null };
    case 'datepicker':
      return { type, selected_date: provided ?? null };
    case 'timepicker':
      return { type, selected_time: provided ?? null };
    default:
      return { type, value: provided ?? null };
  }
}
