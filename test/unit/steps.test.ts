import { describe, expect, it } from 'vitest';
import type { ComponentState, DeployState } from '../../src/core/model.js';
import { planSteps } from '../../src/core/steps.js';
import { makeDeployment } from '../support/builders.js';
import { makeService } from '../support/services.js';

const image = (c: string, v: string) => `registry.example/${c}:${v}`;
const component = (name: string, o: Partial<ComponentState> = {}): ComponentState => ({
  name,
  images: [image(name, 'v1.2.1')],
  revision: 3,
  desiredReplicas: 3,
  readyReplicas: 3,
  updatedReplicas: 3,
  rolloutInProgress: false,
  history: [
    { revision: 3, images: [image(name, 'v1.2.1')] },
    { revision: 2, images: [image(name, 'v1.2.0')] },
  ],
  ...o,
});
const target = makeDeployment({ id: 'd-good', version: 'v1.2.0' });
const state: DeployState = { components: [component('checkout-api'), component('checkout-worker')] };

describe('planSteps', () => {
  it('full: one rollout_undo per component, to the revision that ran the target image', () => {
    const plan = planSteps(makeService(), target, state, undefined);
    expect(plan.strategy).toBe('full');
    expect(plan.steps.map((s) => [s.index, s.kind, s.component, s.kind === 'rollout_undo' ? s.target.revision : null])).toEqual([
      [1, 'rollout_undo', 'checkout-api', 2],
      [2, 'rollout_undo', 'checkout-worker', 2],
    ]);
  });

  it('partial: only the named components', () => {
    const plan = planSteps(makeService(), target, state, ['checkout-worker']);
    expect(plan.strategy).toBe('partial');
    expect(plan.steps.map((s) => s.component)).toEqual(['checkout-worker']);
  });

  it('a revision that is gone: the step sets the recorded image, with no revision', () => {
    const gone = { components: [component('checkout-api', { history: [{ revision: 3, images: [image('checkout-api', 'v1.2.1')] }] })] };
    const [step] = planSteps(makeService(), target, gone, undefined).steps;
    expect(step).toMatchObject({ kind: 'rollout_undo', target: { image: image('checkout-api', 'v1.2.0') } });
    expect(step?.kind === 'rollout_undo' && step.target.revision).toBeFalsy();
  });

  describe('blue-green', () => {
    const service = makeService({
      target: { kind: 'kubernetes', namespace: 'shop', deployments: ['blue', 'green'], core: [], blueGreen: { service: 'web', label: 'slot' } },
    });
    const bgTarget = makeDeployment({ version: 'v1.2.0', components: { blue: { image: image('web', 'v1.2.0') } } });
    const side = (name: string, version: string, ready: number, desired = ready) =>
      component(name, { images: [image('web', version)], slot: name, readyReplicas: ready, desiredReplicas: desired });

    it.each([
      ['cold idle side: warm it and wait first', 0, ['scale', 'switch_traffic', 'scale'], 'warn'],
      ['warm idle side: switch at once', 3, ['switch_traffic', 'scale'], 'pass'],
    ] as const)('%s', (_name, idleReady, kinds, capacity) => {
      const bg: DeployState = { components: [side('blue', 'v1.2.0', idleReady, idleReady), side('green', 'v1.2.1', 3)], liveSlot: 'green' };
      const plan = planSteps(service, bgTarget, bg, undefined);
      expect(plan.strategy).toBe('instant');
      expect(plan.steps.map((s) => s.kind)).toEqual(kinds);
      expect(plan.checks.find((c) => c.id === 'capacity')?.outcome).toBe(capacity);
      const warmUp = plan.steps[0];
      if (warmUp?.kind === 'scale') expect(warmUp).toMatchObject({ component: 'blue', replicas: 3, waitReady: true });
      expect(plan.steps.at(-1)).toMatchObject({ kind: 'scale', component: 'green', replicas: 0, waitReady: false });
    });

    it('falls back to an in-place rollback, saying why, when the idle side does not run the target', () => {
      const bg: DeployState = { components: [side('blue', 'v0.9.0', 3), side('green', 'v1.2.1', 3)], liveSlot: 'green' };
      const plan = planSteps(
        service,
        makeDeployment({ version: 'v1.2.0', components: { blue: { image: image('web', 'v1.2.0') }, green: { image: image('web', 'v1.2.0') } } }),
        bg,
        undefined,
      );
      expect(plan.strategy).toBe('full');
      expect(plan.checks[0]).toMatchObject({ id: 'blue_green', outcome: 'warn' });
      expect(plan.checks[0]?.message).toContain('not the target');
    });
  });

  it('helm: one helm_rollback to the revision whose app version is the target', () => {
    const service = makeService({ target: { kind: 'helm', namespace: 'shop', release: 'checkout', timeoutSeconds: 300 } });
    const helmState: DeployState = {
      components: [
        component('checkout', {
          images: ['v1.2.1', 'checkout-1.4.2'],
          history: [
            { revision: 7, images: ['v1.2.1', 'checkout-1.4.2'] },
            { revision: 6, images: ['v1.2.0', 'checkout-1.4.1'] },
          ],
        }),
      ],
    };
    const plan = planSteps(service, target, helmState, undefined);
    expect(plan.steps).toMatchObject([{ kind: 'helm_rollback', release: 'checkout', revision: 6 }]);
  });

  it('command: one command step with the catalog argv template', () => {
    const service = makeService({ target: { kind: 'command', rollback: ['./rollback.sh', '{service}', '{version}'], timeoutSeconds: 120 } });
    expect(planSteps(service, target, { components: [] }, undefined).steps).toMatchObject([
      { kind: 'command', argv: ['./rollback.sh', '{service}', '{version}'], expectedSeconds: 120 },
    ]);
  });
});

describe('helm revision choice', () => {
  const service = makeService({ target: { kind: 'helm', namespace: 'shop', release: 'checkout', timeoutSeconds: 300 } });
  // Revision 7 is a values-only upgrade of 1.2.0: it shares the version with revision 6.
  const helmState: DeployState = {
    components: [
      component('checkout', {
        revision: 7,
        images: ['v1.2.0', 'checkout-1.4.1'],
        history: [
          { revision: 7, images: ['v1.2.0', 'checkout-1.4.1'] },
          { revision: 6, images: ['v1.2.0', 'checkout-1.4.1'] },
          { revision: 5, images: ['v1.1.0', 'checkout-1.4.0'] },
        ],
      }),
    ],
  };

  it('never picks the current revision, even when it shares the target version', () => {
    expect(planSteps(service, makeDeployment({ version: 'v1.2.0', components: {} }), helmState, undefined).steps).toMatchObject([{ revision: 6 }]);
  });

  it('uses the revision a discovered id names', () => {
    expect(planSteps(service, makeDeployment({ id: 'checkout@r5', version: 'v1.1.0', components: {} }), helmState, undefined).steps).toMatchObject([
      { revision: 5 },
    ]);
  });

  it('blocks with a reason instead of guessing when no earlier revision ran the target', () => {
    const plan = planSteps(service, makeDeployment({ version: 'v0.1.0', components: {} }), helmState, undefined);
    expect(plan.steps).toEqual([]);
    expect(plan.checks).toMatchObject([{ id: 'helm_revision', outcome: 'block' }]);
  });
});
