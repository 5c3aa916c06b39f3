// A small world for driving the run coordinator in unit tests: a real SQLite store, a fake cluster
// that records every write per (run, step), a fake chat, a manual clock, and a subscriber that keeps
// every run event. Nothing here mocks a module: these are port implementations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/sqlite/sqlite-store.js';
import { EventFanout } from '../../src/core/coordinator/event-fanout.js';
import { PlanMessageSubscriber } from '../../src/core/coordinator/plan-message.js';
import { RunCoordinator } from '../../src/core/coordinator/run-coordinator.js';
import type { RunEvent, RunEventSubscriber } from '../../src/core/coordinator/run-events.js';
import { fingerprintState, observe } from '../../src/core/fingerprint.js';
import type { ComponentState, DeployState, Deployment, Evidence, MessageRef, Run, Step, StepResult, Verification } from '../../src/core/model.js';
import type { ChatSurface, Clock, DeployProvider, IncidentAlert, IncidentLogEntry, IncidentService, Logger } from '../../src/core/ports.js';
import type { Service } from '../../src/core/service.js';
import type { UseCaseDeps } from '../../src/core/use-cases/deps.js';
import { at, makeActor, makeDeployment, makeEvent, makeRun, makeStep, T0 } from './builders.js';
import { makeService } from './services.js';

export const FAILED_IMAGE = (c: string) => `registry.example/${c}:v1.2.1`;
export const TARGET_IMAGE = (c: string) => `registry.example/${c}:v1.2.0`;
export const LEASE_MS = 15_000;

export class ManualClock implements Clock {
  private t = Date.parse(T0);
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

interface Gate {
  started: Promise<void>;
  release(): void;
}

/** A cluster of named components; rollout_undo steps set the target image. Writes are counted. */
export class FakeCluster implements DeployProvider {
  readonly components = new Map<string, ComponentState>();
  /** Every execute() call, and the ones that changed something. */
  readonly calls: Array<{ runId: string; step: number }> = [];
  readonly writes: Array<{ runId: string; step: number; component: string }> = [];
  verification: Verification['phase'] = 'Succeeded';
  unreadable = false;
  verifyStarted: (() => void) | undefined;
  private readonly gates = new Map<number, { started: () => void; released: Promise<void>; release: () => void }>();
  private readonly failures = new Map<number, string>();

  constructor(names: string[]) {
    for (const name of names) this.set(name, [FAILED_IMAGE(name)]);
  }

  set(name: string, images: string[]): void {
    this.components.set(name, {
      name,
      images,
      revision: 5,
      desiredReplicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      rolloutInProgress: false,
      history: [],
    });
  }

  images(name: string): string[] {
    return this.components.get(name)?.images ?? [];
  }

  /** The step with this index waits (after it was called) until released. */
  hold(index: number): Gate {
    let started!: () => void;
    let release!: () => void;
    const startedP = new Promise<void>((resolve) => {
      started = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.gates.set(index, { started, released, release });
    return { started: startedP, release };
  }

  fail(index: number, message: string): void {
    this.failures.set(index, message);
  }

  state(): DeployState {
    return { components: [...this.components.values()].map((c) => ({ ...c, images: [...c.images] })) };
  }

  async currentState(): Promise<DeployState> {
    if (this.unreadable) throw new Error('the Kubernetes API did not answer');
    return this.state();
  }

  async execute(run: Run, step: Step, _service: Service, signal: AbortSignal): Promise<StepResult> {
    const startedAt = new Date().toISOString();
    this.calls.push({ runId: run.id, step: step.index });
    const gate = this.gates.get(step.index);
    if (gate) {
      gate.started();
      await gate.released;
      this.gates.delete(step.index);
    }
    signal.throwIfAborted();
    const failure = this.failures.get(step.index);
    if (failure) throw new Error(failure);
    if (step.kind === 'rollout_undo') {
      const current = this.components.get(step.component);
      if (current && current.images.join() !== step.target.image) {
        this.set(step.component, [step.target.image]);
        this.writes.push({ runId: run.id, step: step.index, component: step.component });
      }
    }
    return {
      index: step.index,
      status: 'done',
      startedAt,
      finishedAt: new Date().toISOString(),
      detail: `${step.component} at ${step.kind === 'rollout_undo' ? step.target.image : 'done'}`,
    };
  }

  async dryRun(_run: Run, step: Step): Promise<StepResult> {
    return { index: step.index, status: 'done', startedAt: T0, finishedAt: T0, detail: 'accepted' };
  }

  async discoverHistory(): Promise<Deployment[]> {
    return [];
  }

  /** Verification waits until the caller's signal aborts (a stop) — for "stopped mid-verification". */
  verifyUntilAborted = false;

  async verify(_run: Run, _service: Service, signal: AbortSignal): Promise<Verification> {
    if (this.verifyUntilAborted) {
      this.verifyStarted?.();
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    const phase = this.verification;
    return {
      phase,
      startedAt: T0,
      finishedAt: T0,
      checks: [
        { name: 'rollout', phase: phase === 'Succeeded' ? 'passed' : 'failed', durationMs: 1, detail: phase === 'Succeeded' ? 'ready' : '0/2 ready' },
      ],
    };
  }

  async evidence(): Promise<Evidence> {
    return { failedImages: [], pods: [], warnings: [], logs: [] };
  }
}

export class FakeChat implements ChatSurface {
  readonly posted: string[] = [];
  readonly updates: Array<{ runId: string; status: string }> = [];
  readonly reports: Array<{ runId: string; report: string }> = [];
  private n = 0;
  async postPlan(run: Run): Promise<MessageRef> {
    this.posted.push(run.id);
    return { channel: run.channel, ts: `1.${++this.n}` };
  }
  async updatePlan(run: Run): Promise<void> {
    this.updates.push({ runId: run.id, status: run.status });
  }
  async postThreadReport(run: Run, report: 'verification' | 'root_cause'): Promise<void> {
    this.reports.push({ runId: run.id, report });
  }
  async postThreadNote(): Promise<void> {
    throw new Error('the core must publish events, not write notes');
  }
  async permalink(run: Run): Promise<string> {
    return `https://slack.example/archives/${run.channel}/p${run.id}`;
  }
}

export class FakeIncidents implements IncidentService {
  readonly notes: Array<{ incidentId: string; text: string }> = [];
  readonly alerts: IncidentAlert[] = [];
  async addNote(incidentId: string, text: string): Promise<void> {
    this.notes.push({ incidentId, text });
  }
  async timeline(): Promise<IncidentLogEntry[]> {
    return [];
  }
  async triggerAlert(alert: IncidentAlert): Promise<void> {
    this.alerts.push(alert);
  }
}

export class EventLog implements RunEventSubscriber {
  readonly name = 'test-log';
  readonly events: RunEvent[] = [];
  /** Tests read the log right after a use case returns: every event is recorded before its publisher goes on. */
  holdsRun(): boolean {
    return true;
  }
  async handle(event: RunEvent): Promise<void> {
    this.events.push(event);
  }
  types(runId?: string): string[] {
    return this.events.filter((e) => !runId || e.runId === runId).map((e) => e.type);
  }
  of<T extends RunEvent['type']>(type: T, runId?: string): Extract<RunEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type && (!runId || e.runId === runId));
  }
}

export const quietLogger: Logger & { warnings: string[]; errors: string[] } = Object.assign(
  { warnings: [] as string[], errors: [] as string[] },
  {
    info() {},
    warn(_o: object, msg?: string) {
      quietLogger.warnings.push(msg ?? '');
    },
    error(_o: object, msg?: string) {
      quietLogger.errors.push(msg ?? '');
    },
  },
);

export interface World {
  store: SqliteStore;
  cluster: FakeCluster;
  chat: FakeChat;
  clock: ManualClock;
  log: EventLog;
  fanout: EventFanout;
  deps: UseCaseDeps;
  incidents: FakeIncidents;
  service: Service;
  coordinator(owner?: string): RunCoordinator;
  /** A run as it would be after planning against the cluster as it is now. */
  createRun(overrides?: Parameters<typeof makeRun>[0]): Promise<Run>;
  /** One coordinator pass, then wait until every run it claimed has stopped moving and every event was delivered. */
  settle(coordinator: RunCoordinator): Promise<void>;
  close(): Promise<void>;
}

export async function makeWorld(service: Service = makeService()): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'smartspec-coordinator-'));
  const store = SqliteStore.open(join(dir, 'smartspec.db'));
  const cluster = new FakeCluster(['checkout-api', 'checkout-worker']);
  const chat = new FakeChat();
  const clock = new ManualClock();
  const log = new EventLog();
  const fanout = new EventFanout(quietLogger, 100);
  fanout.subscribe(log);
  fanout.subscribe(new PlanMessageSubscriber(chat));
  const incidents = new FakeIncidents();
  let ids = 0;
  const deps: UseCaseDeps = {
    store,
    provider: cluster,
    chat,
    clock,
    logger: quietLogger,
    incidents,
    events: fanout,
    directory: { membersOf: async (group) => (group === 'S0ONCALL' ? ['U0ONCALL'] : []) },
    health: { run: async () => [] },
    catalog: { services: new Map([[service.name, service]]) },
    newRunId: () => `rb-test${++ids}`,
    newErrorId: () => `err-test${++ids}`,
  };
  const target: Deployment = makeDeployment({ id: 'deploy-12300', version: 'v1.2.0', createdAt: '2026-11-19T10:00:00.000Z' });
  const failed: Deployment = makeDeployment({ id: 'deploy-12345', version: 'v1.2.1', status: 'failed' });
  await store.saveDeployment(target);
  await store.saveDeployment(failed);
  const coordinators: RunCoordinator[] = [];
  return {
    store,
    cluster,
    chat,
    clock,
    log,
    fanout,
    deps,
    incidents,
    service,
    coordinator(owner = 'replica-a') {
      const c = new RunCoordinator(deps, { owner, leaseMs: LEASE_MS, pollMs: 1_000 });
      coordinators.push(c);
      deps.nudge = (runId) => c.nudge(runId);
      return c;
    },
    async createRun(overrides = {}) {
      const state = cluster.state();
      const run = makeRun({
        id: `rb-run${++ids}`,
        ...overrides,
        plan: {
          steps: [
            makeStep({ index: 1, component: 'checkout-api', target: { image: TARGET_IMAGE('checkout-api'), revision: 4 } }),
            makeStep({ index: 2, component: 'checkout-worker', target: { image: TARGET_IMAGE('checkout-worker'), revision: 4 } }),
          ],
          fingerprint: fingerprintState(state),
          observed: observe(state),
          expiresAt: at(30),
          ...overrides.plan,
        },
        createdAt: clock.now().toISOString(),
        updatedAt: clock.now().toISOString(),
      });
      await store.createRun(run, makeEvent({ runId: run.id, at: run.createdAt, actor: run.requestedBy }));
      await store.setMessage(run.id, { channel: run.channel, ts: '1.0' });
      return (await store.getRun(run.id))!;
    },
    async settle(coordinator) {
      await coordinator.tick();
      await coordinator.idle();
      await fanout.delivered(); // what periodic work published too (chat, PagerDuty notes)
    },
    async close() {
      for (const c of coordinators) await c.stop(1_000);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const APPROVER = makeActor({ id: 'U0APPROVE', name: 'bob' });
export const REQUESTER = makeActor();
