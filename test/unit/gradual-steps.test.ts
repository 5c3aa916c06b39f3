// Gradual plans, table-driven: the splits of each step by replica ratio and by HTTPRoute weights,
// where a split already is, and why gradual falls back (the Service selects one side, the route lacks a side).
import { describe, expect, it } from 'vitest';
import type { ComponentState, DeployState, Step } from '../../src/core/model.js';
import { gateWords } from '../../src/core/gradual-steps.js';
import { planSteps } from '../../src/core/steps.js';
import type { GradualSpec, KubernetesTarget } from '../../src/core/service.js';
import { makeDeployment } from '../support/builders.js';
import { makeService } from '../support/services.js';

const image = (v: string) => `registry.example/web:${v}`;
const side = (name: string, version: string, desired: number, ready = desired): ComponentState => ({
  name,
  images: [image(version)],
  revision: 1,
  desiredReplicas: desired,
  readyReplicas: ready,
  updatedReplicas: ready,
  rolloutInProgress: false,
  history: [],
  slot: name,
});
const service = (gradual?: Partial<GradualSpec>) =>
  makeService({
    target: {
      kind: 'kubernetes',
      namespace: 'shop',
      deployments: ['blue', 'green'],
      core: [],
      blueGreen: { service: 'web', label: 'slot' },
      ...(gradual ? { gradual: { steps: [25, 50, 75, 100], pauseSeconds: 5, gateSeconds: 60, ...gradual } } : {}),
    } satisfies KubernetesTarget,
  });
const target = makeDeployment({ version: 'v1.2.0', components: { blue: { image: image('v1.2.0') } } });
type Shift = Extract<Step, { kind: 'gradual_shift' }>;
const shifts = (steps: Step[]) => steps.filter((s): s is Shift => s.kind === 'gradual_shift');

describe('gradual by replica ratio', () => {
  it.each([
    [
      '4 pods, cold target side',
      0,
      4,
      [
        [25, 1, 3],
        [50, 2, 2],
        [75, 3, 1],
        [100, 4, 0],
      ],
    ],
    [
      '3 pods: rounding up, never below the previous step',
      0,
      3,
      [
        [25, 1, 2],
        [50, 2, 1],
        [75, 3, 0],
        [100, 3, 0],
      ],
    ],
    [
      'already at 50 %: only the steps above',
      2,
      2,
      [
        [75, 3, 1],
        [100, 4, 0],
      ],
    ],
  ] as const)('%s', (_name, blue, green, expected) => {
    const state: DeployState = { components: [side('blue', 'v1.2.0', blue), side('green', 'v1.2.1', green)] };
    const plan = planSteps(service({}), target, state, undefined);
    expect(plan.strategy).toBe('gradual');
    expect(shifts(plan.steps).map((s) => [s.percent, s.replicas!.to, s.replicas!.from])).toEqual(expected);
    // Each step restores exactly the split before it.
    const all = shifts(plan.steps);
    for (const [i, s] of all.slice(1).entries()) expect(s.previous).toEqual(all[i]!.replicas);
  });

  it('falls back to the instant switch, saying why, when the Service selects one side', () => {
    const state: DeployState = { components: [side('blue', 'v1.2.0', 3), side('green', 'v1.2.1', 3)], liveSlot: 'green' };
    const plan = planSteps(service({}), target, state, undefined);
    expect(plan.strategy).toBe('instant');
    expect(plan.checks[0]?.message).toMatch(
      /Service web selects `slot=green` only, so replicas cannot shift its traffic.*gradual rollback is not possible/,
    );
  });

  it('--strategy gradual without catalog settings uses 25/50/75/100; --strategy instant overrides the catalog', () => {
    const state: DeployState = { components: [side('blue', 'v1.2.0', 0), side('green', 'v1.2.1', 4)] };
    expect(shifts(planSteps(service(), target, state, undefined, 'gradual').steps).map((s) => s.percent)).toEqual([25, 50, 75, 100]);
    const instant = planSteps(service({}), target, { ...state, liveSlot: 'green' }, undefined, 'instant');
    expect(instant.strategy).toBe('instant');
  });

  it('refuses a strategy for a service without two sides or with --component', () => {
    const plain = planSteps(makeService(), makeDeployment(), { components: [] }, undefined, 'gradual');
    expect(plain.checks).toEqual([expect.objectContaining({ id: 'strategy', outcome: 'block' })]);
    const partial = planSteps(service({}), target, { components: [] }, ['blue'], 'gradual');
    expect(partial.checks[0]?.message).toContain('a partial rollback (--component) is not');
  });
});

describe('gradual by HTTPRoute weights', () => {
  const route = { httpRoute: { name: 'web', rule: 0, backends: { blue: 'web-blue', green: 'web-green' } } };

  it('warms the target side, shifts the weights, then scales the failed side down', () => {
    const state: DeployState = { components: [side('blue', 'v1.2.0', 1), side('green', 'v1.2.1', 3)], routeWeights: { blue: 0, green: 100 } };
    const plan = planSteps(service(route), target, state, undefined);
    expect(plan.steps.map((s) => s.kind)).toEqual(['scale', 'gradual_shift', 'gradual_shift', 'gradual_shift', 'gradual_shift', 'scale']);
    expect(plan.steps[0]).toMatchObject({ component: 'blue', replicas: 3, waitReady: true });
    expect(shifts(plan.steps).map((s) => [s.percent, s.route!.toBackend, s.route!.fromBackend, s.previous.to])).toEqual([
      [25, 'web-blue', 'web-green', 0],
      [50, 'web-blue', 'web-green', 25],
      [75, 'web-blue', 'web-green', 50],
      [100, 'web-blue', 'web-green', 75],
    ]);
    expect(plan.steps.at(-1)).toMatchObject({ kind: 'scale', component: 'green', replicas: 0 });
  });

  it('falls back when the route does not send to both sides', () => {
    const state: DeployState = { components: [side('blue', 'v1.2.0', 3), side('green', 'v1.2.1', 3)], routeWeights: { green: 100 } };
    const plan = planSteps(service(route), target, state, undefined);
    expect(plan.strategy).not.toBe('gradual');
    expect(plan.checks[0]?.message).toContain('HTTPRoute web rule 0 does not send to both `web-green` and `web-blue`');
  });
});

describe('gateWords', () => {
  const http = { url: 'http://web/healthz', status: 200 };
  const query = { name: 'errors', url: 'http://prometheus:9090', query: 'x', max: 1, samples: 1, intervalSeconds: 1 };
  it.each([
    [[], [], 'readiness'],
    [[http], [], 'readiness and 1 HTTP check'],
    [[http, http], [query], 'readiness, 2 HTTP checks and 1 Prometheus query'],
    [[], [query, query], 'readiness and 2 Prometheus queries'],
  ] as const)('%j %j → %s', (h, p, words) => {
    expect(gateWords({ http: [...h], prometheus: [...p] })).toBe(words);
  });
});
