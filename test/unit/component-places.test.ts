// Resume judgement for a blue-green run: the Service is placed by the side its selector points at,
// not looked up as a workload (where it used to read as "gone" and stop every resumed blue-green run).
import { describe, expect, it } from 'vitest';
import { judgeResume, placeComponents, targetImages } from '../../src/core/coordinator/component-places.js';
import type { ComponentState, DeployState, Run } from '../../src/core/model.js';
import { makeDeployment, makeRun, makeStep } from '../support/builders.js';

const image = (side: string) => `registry.example/shop:${side === 'blue' ? 'v1.1.0' : 'v1.2.0'}`;
const workload = (name: string, replicas: number): ComponentState => ({
  name,
  images: [image(name)],
  desiredReplicas: replicas,
  readyReplicas: replicas,
  updatedReplicas: replicas,
  rolloutInProgress: false,
  history: [],
  slot: name,
});

function blueGreenRun(stepsDone: number): Run {
  const steps = [
    makeStep({ index: 1, component: 'blue', kind: 'scale', replicas: 2, waitReady: true, description: 'warm blue' }),
    makeStep({
      index: 2,
      component: 'shop',
      kind: 'switch_traffic',
      service: 'shop',
      label: 'slot',
      from: 'green',
      to: 'blue',
      description: 'switch',
    }),
    makeStep({ index: 3, component: 'green', kind: 'scale', replicas: 0, waitReady: false, description: 'cool green' }),
  ];
  return makeRun({
    status: 'executing',
    plan: {
      strategy: 'instant',
      components: ['blue', 'shop', 'green'],
      steps,
      observed: [
        { name: 'blue', images: [image('blue')], desiredReplicas: 0 },
        { name: 'green', images: [image('green')], desiredReplicas: 2 },
      ],
    },
    stepResults: steps.slice(0, stepsDone).map((s) => ({ index: s.index, status: 'done' as const, startedAt: '', finishedAt: '', detail: 'ok' })),
  });
}

const target = makeDeployment({ components: { blue: { image: image('blue'), replicas: 2 } } });
const state = (liveSlot: string | undefined): DeployState => ({
  components: [workload('blue', 2), workload('green', 2)],
  ...(liveSlot ? { liveSlot } : {}),
});

describe('judgeResume for a blue-green run', () => {
  it.each([
    { case: 'killed after warming blue, the Service untouched', done: 1, live: 'green', found: undefined },
    { case: 'killed right after the switch was written, before it was recorded', done: 1, live: 'blue', found: undefined },
    { case: 'killed after the switch was recorded', done: 2, live: 'blue', found: undefined },
    {
      case: 'someone pointed the Service elsewhere',
      done: 1,
      live: 'red',
      found: 'shop runs slot=red: neither what the plan found nor the target (slot=blue)',
    },
    {
      case: 'someone switched traffic back after the switch was done',
      done: 2,
      live: 'green',
      found: 'shop is back at slot=green although its rollback step was done',
    },
    { case: 'the Service is gone', done: 1, live: undefined, found: 'shop is gone' },
  ])('$case', ({ done, live, found }) => {
    const run = blueGreenRun(done);
    const targets = targetImages(run, target);
    const verdict = judgeResume(run, placeComponents(run, state(live), targets), targets);
    expect(verdict).toEqual(found ? { resumable: false, found: [found] } : { resumable: true });
  });

  it('places the Service by the side it selects', () => {
    const run = blueGreenRun(1);
    const places = placeComponents(run, state('green'), targetImages(run, target));
    expect(places.find((p) => p.component === 'shop')).toEqual({ component: 'shop', images: ['slot=green'], at: 'start' });
  });
});

describe('judgeResume for a run with database steps', () => {
  const api = (images: string[]): ComponentState => ({
    name: 'checkout-api',
    images,
    desiredReplicas: 3,
    readyReplicas: 3,
    updatedReplicas: 3,
    rolloutInProgress: false,
    history: [],
  });
  const failed = 'registry.example/checkout-api:v1.2.1';
  const good = 'registry.example/checkout-api:v1.2.0';
  function databaseRun(results: Array<'done' | 'running'>): Run {
    const steps = [
      makeStep({ index: 1, component: 'database', kind: 'database_backup', argv: ['backup'], description: 'Back up the database' }),
      makeStep({
        index: 2,
        component: 'database',
        kind: 'database_migrate_down',
        migration: '20261120_x',
        argv: ['down'],
        description: 'Migrate down 20261120_x',
      }),
      makeStep({ index: 3, component: 'checkout-api' }),
    ];
    return makeRun({
      status: 'executing',
      plan: { components: ['database', 'checkout-api'], steps, observed: [{ name: 'checkout-api', images: [failed], desiredReplicas: 3 }] },
      stepResults: results.map((status, i) => ({ index: i + 1, status, startedAt: '', detail: status })),
    });
  }
  const judge = (run: Run, images: string[]) => {
    const targets = targetImages(run, makeDeployment());
    return judgeResume(run, placeComponents(run, { components: [api(images)] }, targets), targets);
  };

  it.each([
    { case: 'killed before any step', results: [] as Array<'done' | 'running'> },
    { case: 'killed after the backup was recorded', results: ['done'] as Array<'done' | 'running'> },
    { case: 'killed after both database steps were recorded', results: ['done', 'done'] as Array<'done' | 'running'> },
  ])('$case: resumable (the database is not judged as a workload)', ({ results }) => {
    expect(judge(databaseRun(results), [failed])).toEqual({ resumable: true });
  });

  it('killed while a migration ran: not resumable, and says that step is not run again', () => {
    expect(judge(databaseRun(['done', 'running']), [failed])).toEqual({
      resumable: false,
      found: [
        'step 2 (Migrate down 20261120_x) was running when the previous owner stopped; whether it finished cannot be read back, so it is not run again',
      ],
    });
  });

  it('leaves the database out of where the components are', () => {
    const run = databaseRun(['done']);
    expect(placeComponents(run, { components: [api([good])] }, targetImages(run, makeDeployment())).map((p) => p.component)).toEqual([
      'checkout-api',
    ]);
  });
});
