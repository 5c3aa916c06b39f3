// Modals as Slack's client shows them: a button's confirm dialog, and the app's views (views.open),
// rendered from the view the fake Slack recorded, submitted back through it.
import { h } from './dom.js';
import { renderBlocks } from './block-kit.js';
import { renderPlainText, renderText } from './mrkdwn.js';

const root = () => document.getElementById('dialogs');

/** A button's `confirm` object → resolves true when the person confirms. */
export function confirmDialog(confirm, ctx) {
  return new Promise((resolve) => {
    const close = (answer) => {
      overlay.remove();
      resolve(answer);
    };
    const yes = h(
      'button',
      {
        type: 'button',
        class: `bk-button ${confirm.style === 'danger' ? 'danger' : 'primary'}`,
        dataset: { role: 'confirm' },
        onclick: () => close(true),
      },
      renderPlainText(confirm.confirm ?? { text: 'Yes' }),
    );
    const overlay = h(
      'div',
      { class: 'overlay', onclick: (e) => e.target === overlay && close(false) },
      h(
        'div',
        { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true' },
        h('div', { class: 'dialog-title' }, renderPlainText(confirm.title ?? { text: 'Are you sure?' })),
        h('div', { class: 'dialog-body' }, renderText(confirm.text, ctx)),
        h(
          'div',
          { class: 'dialog-footer' },
          h(
            'button',
            { type: 'button', class: 'bk-button', dataset: { role: 'deny' }, onclick: () => close(false) },
            renderPlainText(confirm.deny ?? { text: 'Cancel' }),
          ),
          yes,
        ),
      ),
    );
    overlay.addEventListener('keydown', (e) => e.key === 'Escape' && close(false));
    root().append(overlay);
    yes.focus();
  });
}

/**
 * Shows the view (or keeps showing it: re-rendering would lose what was typed, so a view is only
 * rebuilt when its id or version changes). `views` are the open views of the current user.
 */
export function syncViews(views, ctx, actions) {
  const top = views[views.length - 1];
  const shown = root().querySelector('.overlay[data-view-id]');
  const key = top ? `${top.id}:${top.version}` : '';
  if (shown && shown.dataset.viewKey === key) return;
  shown?.remove();
  if (!top) return;
  const overlay = viewOverlay(top, ctx, actions);
  root().append(overlay);
  overlay.querySelector('input, textarea, select, button[type="submit"]')?.focus();
}

function viewOverlay(record, ctx, actions) {
  const view = record.view;
  const inputs = new Map();
  const blocks = renderBlocks(view.blocks, { ...ctx, inputs });
  const status = h('div', { class: 'dialog-status' });
  const showErrors = (errors) => {
    for (const [blockId, input] of inputs) input.showError(errors[blockId]);
  };
  const submit = async () => {
    const values = {};
    const missing = {};
    for (const block of view.blocks ?? []) {
      if (block.type !== 'input') continue;
      const input = inputs.get(block.block_id);
      const value = input?.read();
      const empty = value === undefined || (Array.isArray(value) && value.length === 0);
      // Slack's client will not submit a modal with a required input left empty.
      if (empty && !block.optional) missing[block.block_id] = 'Please fill this in.';
      if (!empty) values[block.block_id] = { [input.actionId]: value };
    }
    showErrors(missing);
    if (Object.keys(missing).length > 0) return;
    status.textContent = 'Sending…';
    const answer = await actions.submit(record.id, values);
    status.textContent = answer?.error ?? '';
    // response_action "errors" keeps the modal open with the messages under the inputs.
    if (answer?.ack?.response_action === 'errors') showErrors(answer.ack.errors ?? {});
  };
  return h(
    'div',
    {
      class: 'overlay',
      dataset: { viewId: record.id, viewKey: `${record.id}:${record.version}` },
      onkeydown: (e) => e.key === 'Escape' && actions.close(record.id),
    },
    h(
      'form',
      {
        class: 'dialog modal-view',
        role: 'dialog',
        'aria-modal': 'true',
        onsubmit: (e) => {
          e.preventDefault();
          void submit();
        },
      },
      h('div', { class: 'dialog-title' }, renderPlainText(view.title ?? { text: 'Modal' })),
      h('div', { class: 'dialog-body' }, blocks),
      status,
      h(
        'div',
        { class: 'dialog-footer' },
        h(
          'button',
          { type: 'button', class: 'bk-button', onclick: () => actions.close(record.id) },
          renderPlainText(view.close ?? { text: 'Cancel' }),
        ),
        view.submit ? h('button', { type: 'submit', class: 'bk-button primary' }, renderPlainText(view.submit)) : null,
      ),
    ),
  );
}

/** A short-lived note at the bottom of the page (errors from the server, trigger results). */
export function toast(message, tone = 'info') {
  const el = h('div', { class: `toast ${tone}`, role: tone === 'error' ? 'alert' : 'status' }, message);
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), tone === 'error' ? 8000 : 5000);
}
