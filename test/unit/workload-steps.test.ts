// Plan steps for StatefulSets, DaemonSets and Argo Rollouts: the kind decides the step; an Argo
// Rollout in the middle of an update is aborted before it is undone.
import { describe, expect, it } from 'vitest';
import type { ComponentState } from '../../src/core/model.js';
import { planSteps } from '../../src/core/steps.js';
import { makeDeployment } from '../support/builders.js';
import { makeService } from '../support/services.js';

const image = (c: string, v: string) => `registry.example/${c}:${v}`;
const component = (name: string, o: Partial<ComponentState> = {}): ComponentState => ({
  name,
  images: [image(name, 'v2')],
  revision: 2,
  desiredReplicas: 3,
  readyReplicas: 3,
  updatedReplicas: 3,
  rolloutInProgress: false,
  history: [
    { revision: 2, images: [image(name, 'v2')] },
    { revision: 1, images: [image(name, 'v1')] },
  ],
  ...o,
});
const service = makeService({
  target: {
    kind: 'kubernetes',
    namespace: 'data',
    deployments: [],
    core: [],
    workloads: [
      { name: 'db', kind: 'StatefulSet' },
      { name: 'agent', kind: 'DaemonSet' },
      { name: 'web', kind: 'Rollout' },
    ],
  },
});
const target = makeDeployment({
  version: 'v1',
  components: { db: { image: image('db', 'v1') }, agent: { image: image('agent', 'v1') }, web: { image: image('web', 'v1') } },
});

describe('planSteps for other workloads', () => {
  it('restores ControllerRevisions for StatefulSets and DaemonSets, and undoes a settled Rollout without an abort', () => {
    const plan = planSteps(service, target, { components: [component('db'), component('agent'), component('web')] }, undefined);
    expect(
      plan.steps.map((s) => [s.index, s.kind, s.component, 'target' in s ? s.target : null, s.kind === 'workload_undo' ? s.workload : null]),
    ).toEqual([
      [1, 'workload_undo', 'db', { image: image('db', 'v1'), revision: 1 }, 'StatefulSet'],
      [2, 'workload_undo', 'agent', { image: image('agent', 'v1'), revision: 1 }, 'DaemonSet'],
      [3, 'argo_undo', 'web', { image: image('web', 'v1'), revision: 1 }, null],
    ]);
  });

  it("turns what the cluster says about a component's rollout into warnings, for the components rolled back only", () => {
    const warned = component('db', { rolloutWarnings: ['StatefulSet db uses updateStrategy OnDelete: …'] });
    const other = component('agent', { rolloutWarnings: ['DaemonSet agent uses updateStrategy OnDelete: …'] });
    expect(planSteps(service, target, { components: [warned, other] }, ['db']).checks).toEqual([
      { id: 'rollout_db', outcome: 'warn', message: 'StatefulSet db uses updateStrategy OnDelete: …' },
    ]);
  });

  it('aborts a Rollout whose update is in progress, then undoes it', () => {
    const plan = planSteps(service, target, { components: [component('web', { rolloutInProgress: true })] }, ['web']);
    expect(plan.steps.map((s) => [s.kind, s.component])).toEqual([
      ['argo_abort', 'web'],
      ['argo_undo', 'web'],
    ]);
    expect(plan.steps[0]?.description).toBe('Abort the update in progress of Rollout `web`: its stable ReplicaSet takes every replica back.');
  });
});
