// Everything the coordinator records for a run it holds goes through here: every write carries
// the lease (the store refuses it once another owner has claimed the run), and events are
// published with the run as stored right after the write.
import type { Actor, Run, RunStatus, StepResult, Verification } from '../model.js';
import { SYSTEM, timelineEvent, type UseCaseDeps } from '../use-cases/deps.js';
import type { HeldLease } from './held-lease.js';
import type { RunEvent } from './run-events.js';

type EventBody<E extends RunEvent = RunEvent> = E extends RunEvent ? Omit<E, 'runId' | 'at'> : never;

export class RunWriter {
  constructor(
    readonly deps: UseCaseDeps,
    readonly held: HeldLease,
    readonly runId: string,
  ) {}

  now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** Compare-and-set of the status with its audit entry: the run as stored after it; undefined when the run was elsewhere. */
  move(from: RunStatus[], to: RunStatus, type: string, detail: string, actor: Actor = SYSTEM): Promise<Run | undefined> {
    return this.deps.store.transition(this.runId, from, to, timelineEvent(this.deps, this.runId, actor, type, detail), this.held.current);
  }

  note(type: string, detail: string, actor: Actor = SYSTEM): Promise<void> {
    return this.deps.store.appendTimeline(timelineEvent(this.deps, this.runId, actor, type, detail), this.held.current);
  }

  /** The step's result, and with it (one write) its audit line when `note` is given: the run as stored after it. */
  step(result: StepResult, note?: { type: string; detail: string }): Promise<Run> {
    const event = note && timelineEvent(this.deps, this.runId, SYSTEM, note.type, note.detail);
    return this.deps.store.saveStepResult(this.runId, result, this.held.current, event);
  }

  verification(verification: Verification): Promise<void> {
    return this.deps.store.saveVerification(this.runId, verification, this.held.current);
  }

  rootCause(rootCause: NonNullable<Run['rootCause']>): Promise<void> {
    return this.deps.store.saveRootCause(this.runId, rootCause, this.held.current);
  }

  async run(): Promise<Run> {
    const run = await this.deps.store.getRun(this.runId);
    if (!run) throw new Error(`run ${this.runId} vanished from the store`);
    return run;
  }

  /**
   * Publishes after the write it reports, with the run as stored after it (`stored` when the caller
   * has just read it, to save a read); waits only for subscribers that hold the run (EventFanout):
   * chat updates follow in the background and never fail or delay the run.
   */
  async emit(body: EventBody, stored?: Run): Promise<void> {
    const event = { ...body, runId: this.runId, at: this.now() } as RunEvent;
    await this.deps.events.publish(event, stored ?? (await this.run()));
  }
}
