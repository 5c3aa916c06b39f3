// A digest of the observed state: equal digests mean nothing the plan relies on changed since.
import { createHash } from 'node:crypto';
import type { DeployState, ObservedComponent } from './model.js';

export function observe(state: DeployState): ObservedComponent[] {
  return [...state.components]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => ({
      name: c.name,
      images: [...c.images].sort(),
      ...(c.revision === undefined ? {} : { revision: c.revision }),
      desiredReplicas: c.desiredReplicas,
    }));
}

export function fingerprintState(state: DeployState): string {
  const canonical = observe(state).map((c) => [c.name, c.images, c.revision ?? null, c.desiredReplicas]);
  // HTTPRoute weights (gradual) only when read, so every other service keeps its digest.
  const weights = state.routeWeights ? [Object.entries(state.routeWeights).sort(([a], [b]) => a.localeCompare(b))] : [];
  return createHash('sha256')
    .update(JSON.stringify([canonical, state.liveSlot ?? null, ...weights]))
    .digest('hex')
    .slice(0, 16);
}

/** One line per difference, in words an on-call engineer reads at a glance. */
export function describeDrift(before: ObservedComponent[] | undefined, after: DeployState): string[] {
  if (!before) return ['the cluster state differs from when the plan was made'];
  const now = observe(after);
  const lines: string[] = [];
  for (const was of before) {
    const is = now.find((c) => c.name === was.name);
    if (!is) {
      lines.push(`${was.name} is gone`);
      continue;
    }
    if (was.images.join(',') !== is.images.join(',')) lines.push(`${was.name} runs ${is.images.join(', ')} (was ${was.images.join(', ')})`);
    if (was.revision !== is.revision) lines.push(`${was.name} is at revision ${is.revision ?? '?'} (was ${was.revision ?? '?'})`);
    if (was.desiredReplicas !== is.desiredReplicas) lines.push(`${was.name} wants ${is.desiredReplicas} replicas (was ${was.desiredReplicas})`);
  }
  for (const is of now) if (!before.some((c) => c.name === is.name)) lines.push(`${is.name} appeared`);
  if (lines.length > 0) return lines;
  return [
    after.routeWeights ? 'the HTTPRoute weights (or the blue-green side receiving traffic) changed' : 'the blue-green side receiving traffic changed',
  ];
}
