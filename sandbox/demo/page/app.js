// The page: who you are, the channel (messages, threads, ephemerals, modals), the composer, the
// triggers and the cluster. State comes from GET /state; /events says when to fetch it again.
import { h } from './dom.js';
import { renderBlocks } from './block-kit.js';
import { renderMrkdwn } from './mrkdwn.js';
import { renderCluster } from './cluster-panel.js';
import { confirmDialog, syncViews, toast } from './dialogs.js';

const $ = (id) => document.getElementById(id);
const page = {
  me: localStorage.getItem('demo.user') ?? 'U0REQUEST',
  data: undefined,
  /** ts → { sig, node }: unchanged messages keep their DOM (and whatever is being clicked). */
  rendered: new Map(),
  /** ts → version last shown, to flash what the bot just edited. */
  versions: new Map(),
  collapsed: new Set(),
  history: [],
  /** False until the first render: what is already there then is not "new". */
  shown: false,
};

// ---- talking to the demo server ----------------------------------------------------------------

async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.error ?? `HTTP ${response.status}`);
  return json;
}

let fetching = false;
let again = false;
/** One fetch at a time; changes during a fetch cause exactly one more. */
async function refresh() {
  if (fetching) {
    again = true;
    return;
  }
  fetching = true;
  try {
    do {
      again = false;
      const response = await fetch(`/state?user=${encodeURIComponent(page.me)}`);
      if (!response.ok) throw new Error(`GET /state: HTTP ${response.status}`);
      render(await response.json());
    } while (again);
  } catch (error) {
    toast(String(error.message ?? error), 'error');
  } finally {
    fetching = false;
  }
}

function connect() {
  const events = new EventSource('/events');
  const live = $('live');
  events.addEventListener('open', () => {
    live.dataset.state = 'live';
    live.textContent = 'live';
    void refresh();
  });
  events.addEventListener('error', () => {
    live.dataset.state = 'down';
    live.textContent = 'reconnecting…';
  });
  events.addEventListener('slack', () => void refresh());
  events.addEventListener('cluster', (e) => renderCluster($('cluster'), JSON.parse(e.data)));
}

// ---- rendering ---------------------------------------------------------------------------------

function render(data) {
  page.data = data;
  if (!data.users.some((u) => u.id === page.me)) page.me = data.users[0].id;
  renderUsers();
  renderTimeline();
  renderComposerFoot();
  renderTriggers();
  renderCluster($('cluster'), data.cluster);
  syncViews(data.slack.views, context(), { submit: submitView, close: closeView });
}

function context() {
  const d = page.data;
  const users = new Map(d.users.map((u) => [u.id, u]));
  users.set(d.bot.id, { id: d.bot.id, name: d.bot.name });
  return { users, groups: d.groups, channels: { [d.channel.id]: d.channel.name } };
}

function renderUsers() {
  $('users').replaceChildren(
    ...page.data.users.map((u) =>
      h(
        'button',
        {
          type: 'button',
          class: 'user',
          dataset: { userId: u.id },
          'aria-pressed': String(u.id === page.me),
          title: `Act as ${u.realName} (${u.id})`,
          onclick: () => switchUser(u.id),
        },
        avatar(u.realName ?? u.name),
        h('span', { class: 'user-text' }, h('span', { class: 'user-name' }, u.realName ?? u.name), h('span', { class: 'user-role' }, u.role)),
      ),
    ),
  );
}

// Colours come from classes: the page's CSP allows no inline styles.
function avatar(name) {
  const shade = [...name].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 6;
  return h('span', { class: `avatar-sm shade-${shade}`, 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase());
}

function switchUser(id) {
  page.me = id;
  localStorage.setItem('demo.user', id);
  page.rendered.clear();
  void refresh();
}

function renderTimeline() {
  const timeline = $('timeline');
  const nearBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 160;
  const first = !page.shown;
  page.shown = true;
  const items = page.data.slack.timeline;
  const keep = new Map();
  const nodes = items.map((m) => {
    const sig = JSON.stringify([m, page.collapsed.has(m.ts)]);
    const cached = page.rendered.get(m.ts);
    const node = cached && cached.sig === sig ? cached.node : messageNode(m, first);
    keep.set(m.ts, { sig, node });
    return node;
  });
  page.rendered = keep;
  timeline.replaceChildren(...(nodes.length > 0 ? nodes : [intro()]));
  if (first || nearBottom) timeline.scrollTop = timeline.scrollHeight;
}

function intro() {
  const d = page.data;
  return h(
    'div',
    { class: 'intro' },
    h('h2', {}, `This is the very beginning of #${d.channel.name}`),
    h(
      'p',
      {},
      'checkout’s latest deploy is crash-looping (see the cluster on the right). Ask the bot for a rollback plan as ',
      h('strong', {}, 'Riley'),
      ', then switch to an approver such as ',
      h('strong', {}, 'Alex'),
      ' and approve it.',
    ),
    d.suggestion ? h('p', {}, 'Type ', h('code', {}, d.suggestion), ' below, or press the suggestion under the box.') : null,
  );
}

function messageNode(m, first) {
  const ctx = { ...context(), onButton: (el, blockId, button) => void click(m, el, blockId, button) };
  const previous = page.versions.get(m.ts);
  page.versions.set(m.ts, m.version);
  const flash = first ? '' : previous === undefined ? ' is-new' : previous !== m.version ? ' is-updated' : '';
  const author = ctx.users.get(m.user)?.name ?? m.user;
  const body = m.blocks && m.blocks.length > 0 ? renderBlocks(m.blocks, ctx) : h('div', { class: 'bk-text' }, renderMrkdwn(m.text ?? '', ctx));
  return h(
    'article',
    { class: `message${m.ephemeral ? ' ephemeral' : ''}${flash}`, dataset: { ts: m.ts, version: String(m.version) } },
    h('div', { class: 'avatar', 'aria-hidden': 'true' }, '↺'),
    h(
      'div',
      { class: 'message-body' },
      h(
        'div',
        { class: 'message-meta' },
        h('span', { class: 'author' }, author),
        h('span', { class: 'app-badge' }, 'APP'),
        h('time', { datetime: new Date(Number(m.ts.split('.')[0]) * 1000).toISOString() }, timeOf(m.ts)),
        m.edited ? h('span', { class: 'edited' }, '(edited)') : null,
        m.ephemeral ? h('span', { class: 'only-you' }, 'Only visible to you') : null,
      ),
      body,
      m.replies.length > 0 ? thread(m, first) : null,
    ),
  );
}

function thread(m, first) {
  const collapsed = page.collapsed.has(m.ts);
  const count = m.replies.length;
  return h(
    'div',
    { class: 'thread', dataset: { parentTs: m.ts } },
    h(
      'button',
      {
        type: 'button',
        class: 'thread-toggle',
        'aria-expanded': String(!collapsed),
        onclick: () => {
          if (collapsed) page.collapsed.delete(m.ts);
          else page.collapsed.add(m.ts);
          renderTimeline();
        },
      },
      `${collapsed ? '▸' : '▾'} ${count} ${count === 1 ? 'reply' : 'replies'}`,
    ),
    collapsed
      ? null
      : h(
          'div',
          { class: 'replies' },
          m.replies.map((r) => messageNode(r, first)),
        ),
  );
}

function timeOf(ts) {
  return new Date(Number(ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// ---- actions -----------------------------------------------------------------------------------

async function click(message, el, blockId, button) {
  if (el.confirm && !(await confirmDialog(el.confirm, context()))) return;
  button.disabled = true;
  try {
    const answer = await post('/click', {
      userId: page.me,
      messageTs: message.ts,
      actionId: el.action_id,
      ...(el.value !== undefined ? { value: el.value } : {}),
      ...(blockId ? { blockId } : {}),
    });
    if (answer.status !== 200) toast(`The bot answered the click with HTTP ${answer.status}.`, 'error');
  } catch (error) {
    toast(error.message, 'error');
  } finally {
    button.disabled = false;
  }
}

async function submitView(viewId, values) {
  try {
    return await post('/submit-view', { userId: page.me, viewId, values });
  } catch (error) {
    return { error: error.message };
  }
}

async function closeView(viewId) {
  await post('/close-view', { userId: page.me, viewId }).catch((error) => toast(error.message, 'error'));
}

function renderComposerFoot() {
  const me = page.data.users.find((u) => u.id === page.me);
  $('acting-as').replaceChildren('Sending as ', h('strong', {}, me.realName ?? me.name), ` (${me.role})`);
  const input = $('composer-input');
  input.placeholder = `Message #${page.data.channel.name} — try ${page.data.suggestion}`;
  const suggestion = $('suggestion');
  suggestion.hidden = !page.data.suggestion;
  suggestion.textContent = `Use: ${page.data.suggestion}`;
}

function setupComposer() {
  const input = $('composer-input');
  const error = $('composer-error');
  $('suggestion').addEventListener('click', () => {
    input.value = page.data.suggestion;
    input.focus();
  });
  input.addEventListener('keydown', (e) => {
    // Up recalls the last command, as in a terminal: handy when trying flags.
    if (e.key === 'ArrowUp' && input.value === '' && page.history.length > 0) {
      input.value = page.history[page.history.length - 1];
      e.preventDefault();
    }
  });
  $('composer').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    error.textContent = '';
    if (!text.startsWith('/')) {
      error.textContent = 'Nobody reads plain messages here: type a slash command, such as /smartspec_rollback help.';
      return;
    }
    input.disabled = true;
    try {
      const answer = await post('/command', { userId: page.me, text });
      page.history.push(text);
      input.value = '';
      if (answer.status !== 200) error.textContent = `The bot answered the command with HTTP ${answer.status}.`;
      else if (answer.ackProblems.length > 0) error.textContent = `Slack could not show the bot's answer: ${answer.ackProblems.join(', ')}`;
    } catch (err) {
      error.textContent = err.message;
    } finally {
      input.disabled = false;
      input.focus();
    }
  });
}

function renderTriggers() {
  const list = $('triggers');
  if (list.childElementCount === page.data.triggers.length) return;
  list.replaceChildren(
    ...page.data.triggers.map((t) =>
      h(
        'div',
        { class: 'trigger' },
        h(
          'button',
          { type: 'button', class: 'bk-button', dataset: { triggerId: t.id }, onclick: (e) => void runTrigger(t, e.currentTarget) },
          t.label,
        ),
        h('span', { class: 'trigger-description' }, t.description),
      ),
    ),
  );
}

async function runTrigger(trigger, button) {
  button.disabled = true;
  const result = $('trigger-result');
  result.textContent = 'Working…';
  try {
    const answer = await post(trigger.path, {});
    result.textContent = answer.message;
    // The suggestion under the composer follows the newest failed deploy.
    void refresh();
    if (answer.command) {
      const input = $('composer-input');
      input.value = answer.command;
      input.focus();
      input.classList.add('is-filled');
      setTimeout(() => input.classList.remove('is-filled'), 1500);
    }
  } catch (error) {
    result.textContent = '';
    toast(error.message, 'error');
  } finally {
    button.disabled = false;
  }
}

setupComposer();
connect();
