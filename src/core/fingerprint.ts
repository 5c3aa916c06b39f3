// A digest of the observed cluster state: equal digests mean nothing relevant changed since the plan.
import { createHash } from 'node:crypto';
import type { DeployState } from './model.js';

export function fingerprintState(state: DeployState): string {
  const canonical = [...state.components]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => [c.name, [...c.images].sort(), c.revision ?? null, c.desiredReplicas]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}
