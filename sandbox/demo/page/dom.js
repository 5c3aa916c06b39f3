// The one way this page builds DOM: elements and text nodes, never HTML strings, so nothing the bot
// or the cluster sends (log lines, reasons typed by people) can become markup.

/**
 * h('div', { class: 'x', onclick: fn, dataset: { ts } }, child, 'text', [more]) → HTMLElement.
 * Strings become text nodes; null, undefined and false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces all children, keeping the nodes given (a re-render that reuses unchanged nodes). */
export function replaceChildren(el, children) {
  el.replaceChildren(...children.filter(Boolean));
}
