// The cluster panel: each Deployment with its ReplicaSet revisions and their pods, as the emulated
// Kubernetes API has them right now (pushed over /events at most four times a second).
import { h } from './dom.js';

const ROLLOUT_LABEL = { complete: 'rolled out', progressing: 'rolling out', stalled: 'stalled' };

// The panel is rebuilt on every snapshot; only pods not seen before get the "new" highlight.
let seenPods;

export function renderCluster(el, snapshot) {
  if (!snapshot) return;
  const previous = seenPods;
  seenPods = new Set();
  el.replaceChildren(
    ...snapshot.deployments.map((d) => deployment(d, previous)),
    // Other namespaces (the demo's storefront service), each under its name.
    ...(snapshot.others ?? []).flatMap((other) => [
      h('h3', { class: 'namespace', dataset: { namespace: other.namespace } }, `namespace ${other.namespace}`),
      ...other.deployments.map((d) => deployment(d, previous)),
    ]),
    warnings(snapshot.warnings ?? []),
  );
}

function deployment(d, previous) {
  const tags = d.images.map(tag).join(', ');
  return h(
    'section',
    { class: 'deployment', dataset: { name: d.name, rollout: d.rollout } },
    h(
      'header',
      { class: 'deployment-head' },
      h('span', { class: 'deployment-name' }, d.name),
      h('span', { class: `badge ${d.rollout}` }, ROLLOUT_LABEL[d.rollout] ?? d.rollout),
    ),
    h(
      'div',
      { class: 'deployment-stats' },
      stat('ready', `${d.ready}/${d.desired}`),
      stat('up to date', `${d.updated}/${d.desired}`),
      stat('revision', String(d.revision)),
      stat('image', tags, d.images.join(', ')),
    ),
    h(
      'div',
      { class: 'replicasets' },
      d.replicaSets.map((rs) => replicaSet(rs, previous)),
    ),
  );
}

function stat(label, value, title) {
  return h('span', { class: 'stat', title }, h('span', { class: 'stat-label' }, label), ' ', h('span', { class: 'stat-value' }, value));
}

function replicaSet(rs, previous) {
  const idle = rs.desired === 0 && rs.pods.length === 0;
  return h(
    'div',
    { class: `rs${rs.current ? ' current' : ''}${idle ? ' idle' : ''}`, dataset: { revision: String(rs.revision) }, title: rs.name },
    h(
      'div',
      { class: 'rs-head' },
      h('span', { class: 'rs-rev' }, `rev ${rs.revision}`),
      h('span', { class: 'rs-image', title: rs.images.join(', ') }, rs.images.map(tag).join(', ')),
      h('span', { class: 'rs-count' }, idle ? 'scaled to 0' : `${rs.ready}/${rs.desired} ready`),
      rs.current ? h('span', { class: 'rs-current' }, 'current') : null,
    ),
    rs.pods.length > 0
      ? h(
          'ul',
          { class: 'pods' },
          rs.pods.map((p) => pod(p, previous !== undefined && !previous.has(p.name))),
        )
      : null,
  );
}

function pod(p, isNew) {
  seenPods.add(p.name);
  return h(
    'li',
    {
      class: `pod${isNew ? ' is-new' : ''}`,
      dataset: { tone: p.tone, status: p.status, image: p.images.join(','), name: p.name },
      title: `${p.name}\n${p.images.join('\n')}`,
    },
    h('span', { class: 'pod-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'pod-name' }, shortName(p.name)),
    h('span', { class: 'pod-status' }, p.status),
    p.restarts > 0 ? h('span', { class: 'pod-restarts' }, `↻ ${p.restarts}`) : null,
  );
}

function warnings(list) {
  return h(
    'section',
    { class: 'warnings' },
    h('h3', {}, 'Recent warning events'),
    list.length === 0
      ? h('p', { class: 'muted' }, 'None.')
      : h(
          'ul',
          {},
          list.map((e) =>
            h(
              'li',
              {},
              h('span', { class: 'event-reason' }, e.reason),
              e.count > 1 ? h('span', { class: 'event-count' }, ` ×${e.count}`) : null,
              ' ',
              h('span', { class: 'event-object' }, e.object),
              h('div', { class: 'event-message' }, e.message),
            ),
          ),
        ),
  );
}

/** registry.example/checkout-api:v1.2.1 → v1.2.1 (the full image is in the tooltip). */
function tag(image) {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : image;
}

/** checkout-api-5d8f9c7b6-x2k4p → …x2k4p: the pod's own suffix is what tells pods apart. */
function shortName(name) {
  const parts = name.split('-');
  return parts.length > 2 ? `${parts.slice(-2).join('-')}` : name;
}
