// Moves one claimed run as far as it can go: an approved run is checked for drift and executed; a
// run found executing or verifying (its owner stopped) is resumed when the cluster allows it. Each
// step is recorded (fenced) before the next begins, so whoever claims the run next knows where it is.
import { LeaseLostError } from '../errors.js';
import { fingerprintState, describeDrift } from '../fingerprint.js';
import { analyseRootCause } from '../rca.js';
import type { Actor, Evidence, Run, StepResult } from '../model.js';
import type { DeployProvider } from '../ports.js';
import type { Service } from '../service.js';
import { SYSTEM, type UseCaseDeps } from '../use-cases/deps.js';
import { placeComponents, judgeResume, targetImages } from './component-places.js';
import type { HeldLease } from './held-lease.js';
import { replan } from '../use-cases/replan.js';
import type { ComponentPlace, StepRef } from './run-events.js';
import { collectEvidence, completeEvidence, executeStep, readState, verify } from './run-phases.js';
import { RunWriter } from './run-writer.js';

/** Why a drive ended without finishing the run: the process is stopping, or another owner took it. */
export type DriveEnd = 'finished' | 'left';

export async function driveRun(deps: UseCaseDeps, held: HeldLease, claimed: Run, shutdown: AbortSignal): Promise<DriveEnd> {
  const w = new RunWriter(deps, held, claimed.id);
  const stop = AbortSignal.any([shutdown, held.signal]);
  try {
    const service = deps.catalog.services.get(claimed.plan.service);
    if (!service) {
      await stopForMissingService(w, claimed);
      return 'finished';
    }
    if (claimed.status === 'approved') return await startApproved(w, claimed, service, stop);
    if (claimed.status === 'executing') return await resumeExecuting(w, claimed, service, stop);
    if (claimed.status === 'verifying') {
      await w.note('resumed', 'the previous owner stopped during verification: verifying again');
      await w.emit({ type: 'resumed', was: 'verifying', stepsDone: stepsDone(claimed), components: [] });
      return await verifyAndFinish(w, service, undefined, stop);
    }
    return 'finished';
  } catch (error) {
    if (error instanceof LeaseLostError || held.lost) {
      deps.logger.warn({ runId: claimed.id }, 'the run was claimed by another owner; this process stopped driving it');
      return 'left';
    }
    if (shutdown.aborted) return 'left';
    await failOnInternalError(w, claimed, error);
    return 'finished';
  }
}

async function startApproved(w: RunWriter, approved: Run, service: Service, stop: AbortSignal): Promise<DriveEnd> {
  const { deps } = w;
  // An approval that waited past the plan's deadline (the bot was down) is not acted on by surprise.
  if (w.now() > approved.plan.expiresAt) {
    const found = [`the plan expired at ${approved.plan.expiresAt} before its execution could start`];
    if (!(await w.move(['approved'], 'interrupted', 'interrupted', `not executed: ${found[0]}`))) return 'finished';
    await w.emit({ type: 'interrupted', was: 'approved', found, stepsDone: [], stepsNotDone: approved.plan.steps.map(stepRef), components: [] });
    return 'finished';
  }
  // The failed pods' evidence is read alongside the drift re-read (both only read, both before the
  // first write, which replaces those pods); a drifted run drops it. Both, and the first write, go
  // through one provider for this execution, which may share what they read (made now: after the approval).
  const cluster = deps.provider.forExecution?.(service) ?? deps.provider;
  const collecting = collectEvidence(deps, approved, service, cluster).catch((error: unknown) => {
    deps.logger.warn({ err: error, runId: approved.id }, 'collecting evidence failed');
    return undefined;
  });
  const { state, error } = await readState(deps, service, approved.id, cluster);
  if (!state || fingerprintState(state) !== approved.plan.fingerprint) {
    await collecting;
    const changes = state
      ? describeDrift(approved.plan.observed, state)
      : [`the cluster could not be read to confirm the plan still holds (${error ?? 'error'})`];
    const cancelled = await w.move(['approved'], 'cancelled', 'drift', `not executed: ${changes.join('; ')}`);
    if (!cancelled) return 'finished';
    await w.emit({ type: 'drifted', changes }, cancelled);
    await replan(deps, cancelled, 'drift', approved.requestedBy);
    return 'finished';
  }
  // Fenced: refused when another owner has claimed the run since (then it is theirs to drive). The
  // lease itself is confirmed before the first cluster write (runSteps).
  const run = await w.move(['approved'], 'executing', 'executing', 'execution started');
  if (!run) {
    await collecting;
    return 'finished'; // cancelled meanwhile, or claimed by another owner
  }
  await w.emit({ type: 'execution_started', components: run.plan.components, steps: run.plan.steps.map(stepRef) }, run);
  const evidence = await collecting;
  if (!evidence) await w.note('evidence_failed', 'evidence of the failed version could not be collected');
  return runSteps(w, run, service, evidence, stop, cluster);
}

async function resumeExecuting(w: RunWriter, orphan: Run, service: Service, stop: AbortSignal): Promise<DriveEnd> {
  const cancel = await cancelRequest(w);
  if (cancel) {
    await cancelExecuting(w, service, cancel);
    return 'finished';
  }
  const places = await componentPlaces(w, orphan, service);
  const targets = targetImages(orphan, await w.deps.store.getDeployment(orphan.plan.targetDeploymentId));
  const verdict = judgeResume(orphan, places, targets);
  if (!verdict.resumable) {
    if (
      !(await w.move(
        ['executing'],
        'interrupted',
        'interrupted',
        `the previous owner stopped mid-execution and it cannot safely continue: ${verdict.found.join('; ')}`,
      ))
    )
      return 'finished';
    await w.emit({
      type: 'interrupted',
      was: 'executing',
      found: verdict.found,
      stepsDone: stepsDone(orphan),
      stepsNotDone: stepsNotDone(orphan),
      components: places,
    });
    return 'finished';
  }
  const next = orphan.plan.steps.find((s) => !isDone(orphan, s.index));
  await w.note(
    'resumed',
    next ? `the previous owner stopped: going on from step ${next.index}` : 'the previous owner stopped after the last step: verifying',
  );
  await w.emit({ type: 'resumed', was: 'executing', ...(next ? { fromStep: stepRef(next) } : {}), stepsDone: stepsDone(orphan), components: places });
  return runSteps(w, orphan, service, undefined, stop);
}

/** The steps not yet done, in order; then verification. Stops between steps when asked to. */
async function runSteps(
  w: RunWriter,
  run: Run,
  service: Service,
  evidence: Evidence | undefined,
  stop: AbortSignal,
  cluster: DeployProvider = w.deps.provider,
): Promise<DriveEnd> {
  const { deps } = w;
  const of = run.plan.steps.length;
  for (const step of run.plan.steps) {
    if (isDone(run, step.index)) continue;
    if (stop.aborted) return 'left';
    // The last check before the cluster write, and whether someone asked to stop: both only ask the
    // store, so at once (a renewal that turns out unneeded because of a stop costs nothing).
    const [cancel] = await Promise.all([cancelRequest(w), w.held.confirm()]);
    if (cancel) {
      await cancelExecuting(w, service, cancel);
      return 'finished';
    }
    const startedAt = w.now();
    // The step is recorded as running (fenced: it also proves the lease is still ours) before its
    // write, with its audit line: before the cluster write, not alongside it, so a database lost at
    // the moment of the write (a restart, a failover) cannot leave that line's commit in doubt and
    // fail a run whose cluster write went through (test/reliability/postgres-restart.test.ts).
    const running = { index: step.index, status: 'running' as const, startedAt, detail: step.description };
    const started = await w.step(running, { type: 'step_started', detail: `step ${step.index}: ${step.description}` });
    // Announced while the step runs (the write does not wait for the subscribers that hold the run);
    // awaited before anything else is recorded or told, so events keep their order.
    const announced = w.emit({ type: 'step_started', step: stepRef(step), of }, started);
    announced.catch(() => undefined); // its failure is rethrown below, once the step has returned
    const result = await executeStep(deps, run, step, service, startedAt, stop, cluster);
    await announced;
    if (stop.aborted) return 'left'; // cut short by a stop: not a failed step, the next owner judges it
    const ended = await w.step(result, {
      type: result.status === 'done' ? 'step_done' : 'step_failed',
      detail: `step ${step.index}: ${result.detail}`,
    });
    if (result.status !== 'done') {
      await failStep(w, run, service, step.index, result, evidence);
      return 'finished';
    }
    await w.emit({ type: 'step_done', step: stepRef(step), of, detail: result.detail }, ended);
  }
  if (stop.aborted) return 'left';
  // Asked to stop during the last step: honour it rather than verify (people were told it stops).
  const cancel = await cancelRequest(w);
  if (cancel) {
    await cancelExecuting(w, service, cancel);
    return 'finished';
  }
  return verifyAndFinish(w, service, evidence, stop);
}

async function verifyAndFinish(w: RunWriter, service: Service, evidence: Evidence | undefined, stop: AbortSignal): Promise<DriveEnd> {
  const { deps } = w;
  const moved = await w.move(['executing'], 'verifying', 'verifying', 'verification started');
  const run = moved ?? (await w.run());
  if (run.status !== 'verifying') return 'finished';
  if (moved) await w.emit({ type: 'verifying' }, run);
  const verification = await verify(deps, run, service, stop);
  if (stop.aborted) return 'left'; // cut short by a stop: the next owner verifies again
  await w.verification(verification);
  const failed = verification.checks.filter((c) => c.phase === 'failed').length;
  await w.emit({ type: 'verified', phase: verification.phase, passed: verification.checks.filter((c) => c.phase === 'passed').length, failed });
  const ok = verification.phase === 'Succeeded';
  // The root cause and the failed deployment's mark are stored before the run is final: whoever sees
  // it final (a reader, the report, the next plan for the service) sees them too, and a replica that
  // dies before the move leaves a run the next owner resumes instead of a final run missing them.
  await w.rootCause(analyseRootCause(await completeEvidence(deps, run, evidence)));
  if (ok) await deps.store.markRolledBack(run.plan.failedDeploymentId, run.id);
  if (!(await w.move(['verifying'], ok ? 'succeeded' : 'failed', ok ? 'succeeded' : 'failed', ok ? 'verification passed' : 'verification failed')))
    return 'finished';
  // Both events report the same writes: one read of the run serves both.
  const reported = await w.run();
  await w.emit({ type: 'reports_ready', verification: true, rootCause: true }, reported);
  if (ok) await w.emit({ type: 'succeeded', toVersion: run.plan.toVersion }, reported);
  else
    await w.emit(
      {
        type: 'failed',
        cause: 'verification_failed',
        error: `${failed} verification check(s) failed`,
        components: await componentPlaces(w, run, service),
      },
      reported,
    );
  return 'finished';
}

async function failStep(w: RunWriter, run: Run, service: Service, index: number, result: StepResult, evidence: Evidence | undefined): Promise<void> {
  const step = run.plan.steps.find((s) => s.index === index);
  const of = run.plan.steps.length;
  const notDone = run.plan.steps.filter((s) => s.index > index).map(stepRef);
  if (step) await w.emit({ type: 'step_failed', step: stepRef(step), of, error: result.detail, notDone });
  // Stored before the run is final, as in verifyAndFinish.
  await w.rootCause(analyseRootCause(await completeEvidence(w.deps, run, evidence)));
  if (!(await w.move(['executing'], 'failed', 'failed', `step ${index} failed: ${result.detail}`))) return;
  await w.emit({ type: 'reports_ready', verification: false, rootCause: true });
  await w.emit({
    type: 'failed',
    cause: 'step_failed',
    error: `step ${index} failed: ${result.detail}`,
    components: await componentPlaces(w, run, service),
  });
}

/** Stops before the next step and says where each component was left. */
async function cancelExecuting(w: RunWriter, service: Service, by: Actor): Promise<void> {
  const run = await w.run();
  const done = stepsDone(run);
  const notDone = stepsNotDone(run);
  const detail =
    done.length === 0
      ? 'stopped before the first step: nothing was changed'
      : `stopped after step ${done.at(-1)?.index}; not done: ${notDone.map((s) => s.index).join(', ') || 'none'}`;
  if (!(await w.move(['executing'], 'cancelled', 'cancelled', detail, by))) return;
  const components = done.length === 0 ? [] : await componentPlaces(w, run, service);
  await w.emit({ type: 'cancelled', actor: by, was: 'executing', why: 'requested', stepsDone: done, stepsNotDone: notDone, components });
}

/** The person who asked to stop the run (the first ask counts), if anyone did. */
async function cancelRequest(w: RunWriter): Promise<Actor | undefined> {
  const timeline = await w.deps.store.timeline(w.runId);
  return timeline.find((e) => e.type === 'cancel_requested')?.actor;
}

async function stopForMissingService(w: RunWriter, run: Run): Promise<void> {
  const detail = `service ${run.plan.service} is no longer in the catalog`;
  if (run.status === 'approved') {
    if (await w.move(['approved'], 'cancelled', 'cancelled', `${detail}: nothing was executed`)) {
      await w.emit({
        type: 'cancelled',
        actor: SYSTEM,
        was: 'approved',
        why: 'requested',
        stepsDone: [],
        stepsNotDone: run.plan.steps.map(stepRef),
        components: [],
      });
    }
    return;
  }
  if (run.status === 'executing' || run.status === 'verifying') {
    if (await w.move([run.status], 'interrupted', 'interrupted', detail)) {
      await w.emit({
        type: 'interrupted',
        was: run.status,
        found: [detail],
        stepsDone: stepsDone(run),
        stepsNotDone: stepsNotDone(run),
        components: [],
      });
    }
  }
}

async function failOnInternalError(w: RunWriter, claimed: Run, error: unknown): Promise<void> {
  const { deps } = w;
  const errorId = deps.newErrorId();
  deps.logger.error({ err: error, runId: w.runId, errorId }, 'execution failed unexpectedly');
  const event = {
    type: 'failed' as const,
    runId: w.runId,
    at: w.now(),
    cause: 'internal_error' as const,
    error: 'the rollback stopped on an internal error; its outcome may not be recorded',
    errorId,
    components: [],
  };
  try {
    const failed = await w.move(['executing', 'verifying'], 'failed', 'failed', `internal error ${errorId}`);
    if (failed) await deps.events.publish(event, failed);
  } catch (storeError) {
    // The store itself failed (disk full, locked): the people waiting must still learn that the bot lost track.
    deps.logger.error(
      { err: storeError, runId: w.runId, errorId },
      'could not record the failed run; it is resumed or reported when its lease expires',
    );
    await deps.events.publish(event, claimed);
  }
}

async function componentPlaces(w: RunWriter, run: Run, service: Service): Promise<ComponentPlace[]> {
  const { state } = await readState(w.deps, service, run.id);
  return placeComponents(run, state, targetImages(run, await w.deps.store.getDeployment(run.plan.targetDeploymentId)));
}

function isDone(run: Run, index: number): boolean {
  return run.stepResults.some((r) => r.index === index && r.status === 'done');
}

function stepRef(step: { index: number; component: string; description: string }): StepRef {
  return { index: step.index, component: step.component, description: step.description };
}

function stepsDone(run: Run): StepRef[] {
  return run.plan.steps.filter((s) => isDone(run, s.index)).map(stepRef);
}

function stepsNotDone(run: Run): StepRef[] {
  return run.plan.steps.filter((s) => !isDone(run, s.index)).map(stepRef);
}
