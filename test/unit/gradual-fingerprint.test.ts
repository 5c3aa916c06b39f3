// Gradual by HTTPRoute: weights moved by hand between plan and approval are drift, said as such;
// services without a route keep the digest they had.
import { describe, expect, it } from 'vitest';
import { describeDrift, fingerprintState, observe } from '../../src/core/fingerprint.js';
import type { ComponentState, DeployState } from '../../src/core/model.js';

const side = (name: string): ComponentState => ({
  name,
  images: [`web:${name}`],
  revision: 1,
  desiredReplicas: 3,
  readyReplicas: 3,
  updatedReplicas: 3,
  rolloutInProgress: false,
  history: [],
});
const base: DeployState = { components: [side('blue'), side('green')] };

describe('fingerprint with HTTPRoute weights', () => {
  it('changes when the weights do, in any key order', () => {
    const a = fingerprintState({ ...base, routeWeights: { blue: 0, green: 100 } });
    expect(fingerprintState({ ...base, routeWeights: { green: 100, blue: 0 } })).toBe(a);
    expect(fingerprintState({ ...base, routeWeights: { blue: 50, green: 50 } })).not.toBe(a);
  });

  it('is unchanged for a service without a route', () => {
    expect(fingerprintState(base)).toBe(fingerprintState({ components: [side('blue'), side('green')] }));
    expect(fingerprintState(base)).not.toBe(fingerprintState({ ...base, routeWeights: {} }));
  });

  it('says the weights may have moved when nothing else did', () => {
    expect(describeDrift(observe(base), { ...base, routeWeights: { blue: 50, green: 50 } })).toEqual([
      'the HTTPRoute weights (or the blue-green side receiving traffic) changed',
    ]);
  });
});
