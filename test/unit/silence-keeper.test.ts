// Which run events start and end a silence, and what happens when Alertmanager fails: against a small
// in-memory Alertmanager (the HTTP adapter is held to the real one in the contract test).
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/core/coordinator/run-events.js';
import type { Run, RunStatus, TimelineEvent } from '../../src/core/model.js';
import { type AlertmanagerClient, type NewSilence, reconcileAction, runIdOf, type Silence } from '../../src/core/silences/alert-silences.js';
import { SilenceKeeper } from '../../src/core/silences/silence-keeper.js';
import { makeRun, T0 } from '../support/builders.js';
import { makeService } from '../support/services.js';

class MemoryAlertmanager implements AlertmanagerClient {
  readonly silences: Silence[] = [];
  failing: 'none' | 'create' | 'all' = 'none';
  async createSilence(_url: string, s: NewSilence): Promise<string> {
    if (this.failing !== 'none') throw new Error('Alertmanager at http://am did not answer');
    const id = `s${this.silences.length + 1}`;
    this.silences.push({ ...s, id, state: 'active' });
    return id;
  }
  async listSilences(): Promise<Silence[]> {
    if (this.failing === 'all') throw new Error('Alertmanager at http://am did not answer');
    return this.silences.map((s) => ({ ...s }));
  }
  async extendSilence(_url: string, silence: Silence, endsAt: string): Promise<void> {
    const s = this.silences.find((x) => x.id === silence.id);
    if (s) s.endsAt = endsAt;
  }
  async expireSilence(_url: string, id: string): Promise<void> {
    if (this.failing === 'all') throw new Error('Alertmanager at http://am did not answer');
    const s = this.silences.find((x) => x.id === id);
    if (s) s.state = 'expired';
  }
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const policy = { url: 'http://am', matchers: [{ name: 'service', value: 'checkout', isRegex: false, isEqual: true }], maxMinutes: 30 };

function setup(status: RunStatus = 'executing', withPolicy = true, clock = { now: () => new Date(T0) }) {
  const am = new MemoryAlertmanager();
  const timeline: TimelineEvent[] = [];
  const run = makeRun({ id: 'rb-one', status });
  const runs = new Map<string, Run>([[run.id, run]]);
  const keeper = new SilenceKeeper({
    store: {
      getRun: async (id) => runs.get(id),
      appendTimeline: async (e) => {
        timeline.push(e);
      },
    },
    catalog: { services: new Map([['checkout', makeService(withPolicy ? { alertmanager: policy } : {})]]) },
    clock,
    logger: quiet,
    alertmanager: am,
    runLink: async () => 'https://slack.example/archives/C0INCIDENTS/p1',
  });
  return { am, timeline, run, runs, keeper };
}

const base = { runId: 'rb-one', at: T0 };
const step = { index: 1, component: 'checkout-api', description: 'roll back' };
const EVENTS: Array<[string, RunEvent, 'starts' | 'ends' | 'nothing']> = [
  ['execution_started', { ...base, type: 'execution_started', components: [], steps: [] }, 'starts'],
  ['resumed', { ...base, type: 'resumed', was: 'executing', stepsDone: [], components: [] }, 'starts'],
  ['step_started', { ...base, type: 'step_started', step, of: 2 }, 'nothing'],
  ['step_failed', { ...base, type: 'step_failed', step, of: 2, error: 'x', notDone: [] }, 'ends'],
  ['verified Failed', { ...base, type: 'verified', phase: 'Failed', passed: 0, failed: 1 }, 'ends'],
  ['verified Succeeded', { ...base, type: 'verified', phase: 'Succeeded', passed: 1, failed: 0 }, 'nothing'],
  ['succeeded', { ...base, type: 'succeeded', toVersion: 'v1.2.0' }, 'ends'],
  ['failed', { ...base, type: 'failed', cause: 'internal_error', error: 'x', components: [] }, 'ends'],
  [
    'cancelled',
    {
      ...base,
      type: 'cancelled',
      actor: { kind: 'system', id: 's' },
      was: 'executing',
      why: 'requested',
      stepsDone: [],
      stepsNotDone: [],
      components: [],
    },
    'ends',
  ],
  ['interrupted', { ...base, type: 'interrupted', was: 'executing', found: [], stepsDone: [], stepsNotDone: [], components: [] }, 'ends'],
];

describe('SilenceKeeper', () => {
  it.each(EVENTS)('%s → %s', async (_name, event, effect) => {
    const { am, keeper, run } = setup();
    await keeper.silence(run);
    await keeper.handle(event, run);
    const live = am.silences.filter((s) => s.state !== 'expired');
    if (effect === 'ends') expect(live).toEqual([]);
    else expect(live).toHaveLength(1); // 'starts' reuses the one already there: never two
    expect(am.silences).toHaveLength(1);
  });

  it('creates the silence the catalog describes, naming the run and linking its thread, bounded by maxMinutes', async () => {
    const { am, keeper, run, timeline } = setup();
    await keeper.handle(EVENTS[0]![1], run);
    expect(am.silences[0]).toMatchObject({
      matchers: policy.matchers,
      startsAt: T0,
      endsAt: new Date(Date.parse(T0) + 30 * 60_000).toISOString(),
      createdBy: 'smartspec-rollback',
    });
    expect(am.silences[0]!.comment).toMatch(
      /^smartspec-rollback run rb-one: rolling back checkout \(production\) v1\.2\.1 → v1\.2\.0; .* https:\/\/slack\.example\/archives\/C0INCIDENTS\/p1$/,
    );
    expect(runIdOf(am.silences[0]!)).toBe('rb-one');
    expect(timeline.map((e) => e.type)).toEqual(['silence_created']);
  });

  it('a service without `alertmanager` is never silenced', async () => {
    const { am, keeper, run } = setup('executing', false);
    await keeper.handle(EVENTS[0]![1], run);
    expect(am.silences).toEqual([]);
  });

  it('an Alertmanager that fails never fails the run: the timeline says alerts keep firing', async () => {
    const { am, keeper, run, timeline } = setup();
    am.failing = 'create';
    await expect(keeper.handle(EVENTS[0]![1], run)).resolves.toBeUndefined();
    expect(timeline).toEqual([
      expect.objectContaining({ type: 'silence_failed', detail: expect.stringContaining('alerts keep firing during the rollback') }),
    ]);
    am.failing = 'all';
    await expect(keeper.handle(EVENTS[6]![1], run)).resolves.toBeUndefined();
    expect((await keeper.reconcile()).errors).toEqual([{ url: 'http://am', error: 'Alertmanager at http://am did not answer' }]);
  });

  it.each([
    ['executing', 'keep'],
    ['verifying', 'keep'],
    ['succeeded', 'expire'],
    ['failed', 'expire'],
    ['cancelled', 'expire'],
    ['interrupted', 'expire'],
    ['approved', 'expire'],
  ] as const)('the sweep: a silence of a run %s → %s', async (status, action) => {
    const { am, keeper, run, runs } = setup();
    await keeper.silence(run);
    runs.set(run.id, { ...run, status });
    const report = await keeper.reconcile();
    expect(report.expired.length).toBe(action === 'expire' ? 1 : 0);
    expect(am.silences[0]!.state).toBe(action === 'expire' ? 'expired' : 'active');
  });

  it('the sweep leaves alone silences of other authors and of runs this bot does not know', async () => {
    const { am, keeper } = setup();
    am.silences.push({
      id: 'x1',
      state: 'active',
      matchers: policy.matchers,
      startsAt: T0,
      endsAt: T0,
      createdBy: 'alice',
      comment: 'smartspec-rollback run rb-one: by hand',
    });
    am.silences.push({
      id: 'x2',
      state: 'active',
      matchers: policy.matchers,
      startsAt: T0,
      endsAt: T0,
      createdBy: 'smartspec-rollback',
      comment: 'smartspec-rollback run rb-elsewhere: another installation',
    });
    expect(await keeper.reconcile()).toEqual({ expired: [], errors: [] });
    expect(am.silences.map((s) => s.state)).toEqual(['active', 'active']);
    expect(reconcileAction(am.silences[1]!, undefined)).toBe('foreign');
  });

  it('the sweep extends the silence of a long run past half its life, and leaves a fresh one alone', async () => {
    let now = new Date(T0);
    const { am, keeper, run, timeline } = setup('executing', true, { now: () => now });
    await keeper.silence(run);
    now = new Date(Date.parse(T0) + 10 * 60_000); // 20 of 30 minutes left
    await keeper.reconcile();
    expect(am.silences[0]!.endsAt).toBe(new Date(Date.parse(T0) + 30 * 60_000).toISOString());
    now = new Date(Date.parse(T0) + 20 * 60_000); // 10 of 30 minutes left
    await keeper.reconcile();
    expect(am.silences[0]).toMatchObject({ id: 's1', state: 'active', endsAt: new Date(Date.parse(T0) + 50 * 60_000).toISOString() });
    expect(timeline.map((e) => e.type)).toEqual(['silence_created', 'silence_extended']);
  });
});
