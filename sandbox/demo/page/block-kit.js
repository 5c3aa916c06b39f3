// Block Kit → DOM, for messages and modals: header, section (text, fields, accessory), context,
// divider, actions with buttons, image, input, and a readable fallback for anything else.
import { h } from './dom.js';
import { renderMrkdwn, renderPlainText, renderText } from './mrkdwn.js';

/**
 * ctx: { users, groups, channels, onButton(button, blockId, buttonElement) → void, inputs?: a Map the
 * modal passes to collect its inputs (block_id → { actionId, read(), showError(message) }) }.
 */
export function renderBlocks(blocks, ctx) {
  return h(
    'div',
    { class: 'blocks' },
    (blocks ?? []).map((block) => renderBlock(block, ctx)),
  );
}

function renderBlock(block, ctx) {
  switch (block?.type) {
    case 'header':
      return h('div', { class: 'bk-header' }, renderPlainText(block.text));
    case 'section':
      return section(block, ctx);
    case 'context':
      return h(
        'div',
        { class: 'bk-context' },
        (block.elements ?? []).map((el) => contextElement(el, ctx)),
      );
    case 'divider':
      return h('hr', { class: 'bk-divider' });
    case 'actions':
      return h(
        'div',
        { class: 'bk-actions' },
        (block.elements ?? []).map((el) => element(el, block.block_id, ctx)),
      );
    case 'image':
      return image(block);
    case 'input':
      return input(block, ctx);
    case 'rich_text':
      return h('div', { class: 'bk-section' }, richText(block.elements ?? [], ctx));
    default:
      return h('div', { class: 'bk-unsupported' }, `Unsupported block: ${String(block?.type)}`);
  }
}

function section(block, ctx) {
  const body = h(
    'div',
    { class: 'bk-section-body' },
    block.text ? h('div', { class: 'bk-text' }, renderText(trimmed(block.text), ctx)) : null,
    block.fields
      ? h(
          'div',
          { class: 'bk-fields' },
          block.fields.map((f) => h('div', { class: 'bk-field' }, renderText(trimmed(f), ctx))),
        )
      : null,
  );
  return h(
    'div',
    { class: 'bk-section' },
    body,
    block.accessory ? h('div', { class: 'bk-accessory' }, element(block.accessory, block.block_id, ctx)) : null,
  );
}

// Slack does not show blank lines at the start or end of a text.
function trimmed(obj) {
  return typeof obj?.text === 'string' ? { ...obj, text: obj.text.replace(/^\s*\n|\n\s*$/g, '') } : obj;
}

function contextElement(el, ctx) {
  if (el.type === 'image') return h('span', { class: 'bk-image-alt', title: el.image_url ?? '' }, `[${el.alt_text ?? 'image'}]`);
  return h('span', { class: 'bk-context-item' }, renderText(el, ctx));
}

function element(el, blockId, ctx) {
  if (el?.type === 'button') {
    return h(
      'button',
      {
        type: 'button',
        class: `bk-button ${el.style === 'primary' ? 'primary' : el.style === 'danger' ? 'danger' : ''}`,
        dataset: { actionId: el.action_id ?? '', value: el.value ?? '' },
        onclick: (event) => ctx.onButton?.(el, blockId ?? '', event.currentTarget),
      },
      renderPlainText(el.text),
    );
  }
  if (el?.type === 'image') return image(el);
  // Selects, overflow menus, date pickers … the bot sends none today; show that they are there.
  return h('span', { class: 'bk-unsupported' }, `[${String(el?.type)}${el?.placeholder ? `: ${el.placeholder.text}` : ''}]`);
}

// External images are not fetched (the page works offline and its CSP forbids it): the alt text is shown.
function image(block) {
  return h(
    'div',
    { class: 'bk-image' },
    h('span', { class: 'bk-image-alt', title: block.image_url ?? '' }, `🖼 ${block.alt_text ?? 'image'}`),
    block.title ? h('div', { class: 'bk-context' }, renderPlainText(block.title)) : null,
  );
}

/** Modal inputs. ctx.inputs collects () => value per block_id so the modal can submit them. */
function input(block, ctx) {
  const el = block.element ?? {};
  const id = `in-${block.block_id}`;
  let control;
  let read;
  if (el.type === 'plain_text_input') {
    control = el.multiline
      ? h('textarea', { id, rows: 4, placeholder: el.placeholder?.text, maxlength: el.max_length })
      : h('input', { id, type: 'text', placeholder: el.placeholder?.text, maxlength: el.max_length });
    if (el.initial_value) control.value = el.initial_value;
    read = () => (control.value === '' ? undefined : control.value);
  } else if (el.type === 'static_select' || el.type === 'radio_buttons') {
    control = h(
      'select',
      { id },
      h('option', { value: '' }, el.placeholder?.text ?? 'Choose…'),
      (el.options ?? []).map((o) => h('option', { value: o.value }, renderPlainText(o.text))),
    );
    read = () => (control.value === '' ? undefined : control.value);
  } else if (el.type === 'checkboxes' || el.type === 'multi_static_select') {
    const boxes = (el.options ?? []).map((o) => h('input', { type: 'checkbox', value: o.value }));
    control = h(
      'div',
      { id, class: 'bk-checkboxes' },
      boxes.map((box, i) => h('label', {}, box, ' ', renderText(el.options[i].text, ctx))),
    );
    read = () => boxes.filter((b) => b.checked).map((b) => b.value);
  } else {
    control = h('input', { id, type: 'text', placeholder: `(${String(el.type)})` });
    read = () => (control.value === '' ? undefined : control.value);
  }
  const error = h('div', { class: 'bk-error' });
  const wrapper = h(
    'div',
    { class: 'bk-input' },
    h('label', { for: id, class: 'bk-label' }, renderPlainText(block.label), block.optional ? h('span', { class: 'optional' }, ' (optional)') : null),
    control,
    block.hint ? h('div', { class: 'bk-hint' }, renderPlainText(block.hint)) : null,
    error,
  );
  const showError = (message) => {
    error.textContent = message ?? '';
    wrapper.classList.toggle('has-error', Boolean(message));
  };
  ctx.inputs?.set(block.block_id, { actionId: el.action_id, read, showError });
  return wrapper;
}

function richText(elements, ctx) {
  return elements.map((el) => {
    if (Array.isArray(el.elements)) return h(el.type === 'rich_text_preformatted' ? 'pre' : 'div', {}, richText(el.elements, ctx));
    if (el.type === 'text') return h(el.style?.code ? 'code' : 'span', {}, el.text ?? '');
    if (el.type === 'emoji') return renderMrkdwn(`:${el.name}:`, ctx);
    if (el.type === 'user') return renderMrkdwn(`<@${el.user_id}>`, ctx);
    if (el.type === 'link')
      return h('a', { href: /^https?:/.test(el.url) ? el.url : undefined, target: '_blank', rel: 'noopener noreferrer' }, el.text ?? el.url);
    return document.createTextNode('');
  });
}
