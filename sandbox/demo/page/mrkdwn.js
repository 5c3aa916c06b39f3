// Slack's mrkdwn → DOM: *bold*, _italic_, ~strike~, `code`, ```pre```, <@U…> mentions, <!subteam^S…>
// groups, <#C…> channels, <url|label> links, :emoji: and the three entities Slack escapes (&amp; &lt;
// &gt;). Output is built from text nodes only: a log line such as "<script>" stays text.
import { h } from './dom.js';

// The shortcodes the bot uses, plus a few common ones. Unknown codes stay as typed, as in Slack.
const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  warning: '⚠️',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  x: '❌',
  heavy_multiplication_x: '✖️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  white_circle: '⚪',
  large_green_circle: '🟢',
  red_circle: '🔴',
  raised_hand: '✋',
  arrows_counterclockwise: '🔄',
  stethoscope: '🩺',
  test_tube: '🧪',
  alarm_clock: '⏰',
  memory: '📝',
  mag: '🔍',
  mag_right: '🔎',
  rotating_light: '🚨',
  rocket: '🚀',
  tada: '🎉',
  fire: '🔥',
  boom: '💥',
  eyes: '👀',
  pager: '📟',
  information_source: 'ℹ️',
  bulb: '💡',
  lock: '🔒',
  construction: '🚧',
  thumbsup: '👍',
  '+1': '👍',
};

const ENTITIES = { amp: '&', lt: '<', gt: '>' };

export function decodeEntities(text) {
  return text.replace(/&(amp|lt|gt);/g, (_, name) => ENTITIES[name]);
}

export function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

/**
 * ctx: { users: Map<id, {name}>, groups: Record<id, handle>, channels: Record<id, name> }.
 * Returns a DocumentFragment.
 */
export function renderMrkdwn(text, ctx) {
  const out = document.createDocumentFragment();
  // Code first: nothing inside code is formatted, but Slack still decodes the entities in it.
  const parts = String(text).split(/```([\s\S]*?)```/);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      out.append(h('pre', { class: 'md-pre' }, decodeEntities(part.replace(/^\n/, '').replace(/\n$/, ''))));
      return;
    }
    part.split(/`([^`\n]+)`/).forEach((piece, j) => {
      if (j % 2 === 1) out.append(h('code', { class: 'md-code' }, decodeEntities(piece)));
      else out.append(styled(piece, ctx));
    });
  });
  return out;
}

const STYLES = [
  { tag: 'strong', re: /(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/ },
  { tag: 'em', re: /(?<![\w])_(?=\S)([^_\n]*?\S)_(?![\w])/ },
  { tag: 's', re: /(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])/ },
];

/** Bold, italic and strike, nested as written; the earliest marker wins. */
function styled(text, ctx) {
  const out = document.createDocumentFragment();
  let rest = text;
  while (rest !== '') {
    let best;
    for (const style of STYLES) {
      const m = style.re.exec(rest);
      if (m && (!best || m.index < best.m.index)) best = { style, m };
    }
    if (!best) {
      out.append(tokens(rest, ctx));
      break;
    }
    out.append(tokens(rest.slice(0, best.m.index), ctx));
    out.append(h(best.style.tag, {}, styled(best.m[1], ctx)));
    rest = rest.slice(best.m.index + best.m[0].length);
  }
  return out;
}

/** <…> control sequences; everything else is text with entities decoded and emoji shortcodes shown. */
function tokens(text, ctx) {
  const out = document.createDocumentFragment();
  text.split(/<([^<>\n]*)>/).forEach((piece, i) => {
    if (i % 2 === 0) {
      if (piece !== '') out.append(emojify(decodeEntities(piece)));
      return;
    }
    out.append(controlSequence(piece, ctx));
  });
  return out;
}

function controlSequence(body, ctx) {
  const bar = body.indexOf('|');
  const target = bar === -1 ? body : body.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(body.slice(bar + 1));
  if (/^@[UW][A-Z0-9]+$/.test(target)) {
    const user = ctx.users.get(target.slice(1));
    return h('span', { class: 'mention', title: target.slice(1) }, `@${user?.name ?? label ?? target.slice(1)}`);
  }
  if (/^#C[A-Z0-9]+$/.test(target)) {
    return h('span', { class: 'mention' }, `#${ctx.channels?.[target.slice(1)] ?? label ?? target.slice(1)}`);
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = ctx.groups[id] ?? label?.replace(/^@/, '') ?? id;
    return h('span', { class: 'mention group', title: id }, `@${handle}`);
  }
  if (['!here', '!channel', '!everyone'].includes(target)) return h('span', { class: 'mention broadcast' }, `@${target.slice(1)}`);
  if (target.startsWith('!date^')) return document.createTextNode(label ?? '');
  const url = decodeEntities(target);
  if (/^(https?:|mailto:)/i.test(url)) {
    return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label ?? url);
  }
  // Not a link Slack would make (javascript:, data: …): its label as plain text, or the text as typed.
  return document.createTextNode(label ?? `<${decodeEntities(body)}>`);
}

/** A plain_text object: only emoji shortcodes (when emoji is not false) are interpreted. */
export function renderPlainText(obj) {
  const text = String(obj?.text ?? '');
  return document.createTextNode(obj?.emoji === false ? text : emojify(text));
}

/** A text object of either type. */
export function renderText(obj, ctx) {
  if (!obj) return document.createTextNode('');
  return obj.type === 'mrkdwn' ? renderMrkdwn(obj.text ?? '', ctx) : renderPlainText(obj);
}
