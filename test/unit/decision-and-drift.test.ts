import { describe, expect, it } from 'vitest';
import { classify, decide } from '../../src/core/decision.js';
import { describeDrift, fingerprintState, observe } from '../../src/core/fingerprint.js';
import type { ComponentState } from '../../src/core/model.js';

describe('the failure-severity decision matrix', () => {
  it.each([
    ['Smoke tests failed after deploy', 'CRITICAL', 'rollback_immediately'],
    ['checkout health check failing', 'CRITICAL', 'rollback_immediately'],
    ['CVE-2026-1234 shipped in checkout', 'CRITICAL', 'rollback_immediately'],
    ['Acceptance suite red on checkout', 'HIGH', 'prompt'],
    ['Checkout error rate above 5%', 'HIGH', 'prompt'],
    ['p99 latency above 2s', 'HIGH', 'prompt'],
    ['Throughput lower than yesterday', 'MEDIUM', 'log'],
    ['Typo on the checkout button', 'LOW', 'log'],
    ['Something odd', 'HIGH', 'prompt'],
  ])('%j → %s, %s', (title, severity, response) => {
    expect(decide(classify(title))).toMatchObject({ severity, response });
  });

  it('the most severe signal wins', () => {
    expect(decide(['latency_high', 'health_check_failed', 'cosmetic']).response).toBe('rollback_immediately');
  });
});

describe('drift', () => {
  const c = (o: Partial<ComponentState> = {}): ComponentState => ({
    name: 'api',
    images: ['api:v2'],
    revision: 3,
    desiredReplicas: 3,
    readyReplicas: 3,
    updatedReplicas: 3,
    rolloutInProgress: false,
    history: [],
    ...o,
  });

  it('ignores what does not matter (ready counts move all the time) and catches what does', () => {
    const base = { components: [c()] };
    expect(fingerprintState({ components: [c({ readyReplicas: 1 })] })).toBe(fingerprintState(base));
    for (const changed of [c({ images: ['api:hotfix'] }), c({ revision: 4 }), c({ desiredReplicas: 5 })]) {
      expect(fingerprintState({ components: [changed] })).not.toBe(fingerprintState(base));
    }
    expect(fingerprintState({ ...base, liveSlot: 'blue' })).not.toBe(fingerprintState({ ...base, liveSlot: 'green' }));
  });

  it('says what changed in words', () => {
    const before = observe({ components: [c(), c({ name: 'worker' })] });
    expect(describeDrift(before, { components: [c({ images: ['api:hotfix'], revision: 4 })] })).toEqual([
      'api runs api:hotfix (was api:v2)',
      'api is at revision 4 (was 3)',
      'worker is gone',
    ]);
  });
});
