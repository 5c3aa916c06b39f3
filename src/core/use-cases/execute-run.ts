// Executes an approved run exactly once: evidence first (the failed pods vanish during the rollback),
// then each step, then verification, then the thread reports.
import { analyseRootCause } from '../rca.js';
import { releaseDiff } from '../report/release-diff.js';
import type { Evidence, Run, RunStatus, Step, StepResult, Verification } from '../model.js';
import type { Service } from '../service.js';
import { SYSTEM, timelineEvent, type UseCaseDeps } from './deps.js';
import { syncIncident } from './incident-sync.js';
import { confirmNoDrift } from './recheck-drift.js';

const EVIDENCE_TIMEOUT_MS = 10_000;
// A step's own deadline comes from the Deployment's progress deadline; this only bounds a hung client.
const STEP_TIMEOUT_MS = 15 * 60_000;

export function executeRun(deps: UseCaseDeps, runId: string): Promise<void> {
  const execution = execute(deps, runId);
  deps.executions?.add(execution);
  return execution.finally(() => deps.executions?.delete(execution));
}

async function execute(deps: UseCaseDeps, runId: string): Promise<void> {
  const approved = await deps.store.getRun(runId);
  const approvedService = approved && deps.catalog.services.get(approved.plan.service);
  if (!approved || approved.status !== 'approved' || !approvedService) return;
  if (!(await confirmNoDrift(deps, approved, approvedService))) return;
  const won = await deps.store.transition(runId, ['approved'], 'executing', timelineEvent(deps, runId, SYSTEM, 'executing', 'execution started'));
  if (!won) return;
  const run = await deps.store.getRun(runId);
  const service = run && deps.catalog.services.get(run.plan.service);
  if (!run || !service) return;
  const log = deps.logger;
  try {
    await tell(deps, () => deps.chat.updatePlan(run));
    await syncIncident(deps, run, 'started');
    const evidence = await collectEvidence(deps, run, service);
    const failedStep = await runSteps(deps, run, service);
    if (deps.shutdown?.aborted) return leaveForNextStart(deps, run.id);
    let verification: Verification | undefined;
    if (failedStep) {
      await finish(deps, run.id, ['executing'], 'failed', `step ${failedStep.index} failed: ${failedStep.detail}`);
      const failedRun = await mustGet(deps, run.id);
      await tell(deps, () => deps.chat.postThreadNote(failedRun, stepFailureNote(run, failedStep)));
    } else {
      await deps.store.transition(run.id, ['executing'], 'verifying', timelineEvent(deps, run.id, SYSTEM, 'verifying', 'verification started'));
      const verifying = await mustGet(deps, run.id);
      await tell(deps, () => deps.chat.updatePlan(verifying));
      verification = await verify(deps, run, service);
      if (deps.shutdown?.aborted) return leaveForNextStart(deps, run.id);
      await deps.store.saveVerification(run.id, verification);
      const ok = verification.phase === 'Succeeded';
      await finish(deps, run.id, ['verifying'], ok ? 'succeeded' : 'failed', ok ? 'verification passed' : 'verification failed');
      if (ok) await deps.store.markRolledBack(run.plan.failedDeploymentId, run.id);
    }
    const rootCause = analyseRootCause(await completeEvidence(deps, run, evidence));
    await deps.store.saveRootCause(run.id, rootCause);
    const final = await mustGet(deps, run.id);
    if (verification) await tell(deps, () => deps.chat.postThreadReport(final, 'verification'));
    await tell(deps, () => deps.chat.postThreadReport(final, 'root_cause'));
    await tell(deps, () => deps.chat.updatePlan(final));
    await syncIncident(deps, final, final.status === 'succeeded' ? 'succeeded' : 'failed');
  } catch (error) {
    if (deps.shutdown?.aborted) return leaveForNextStart(deps, runId);
    const errorId = deps.newRunId();
    log.error({ err: error, runId, errorId }, 'execution failed unexpectedly');
    // Slack first: when the store is what failed (disk full, locked), recording would throw too, and
    // the people waiting must still learn that the bot lost track and what to check by hand.
    await tell(deps, () => deps.chat.postThreadNote(run, `:x: The rollback stopped on an internal error (id \`${errorId}\`); the bot may not have recorded its outcome. Check the cluster by hand: \`kubectl rollout status\` on ${run.plan.components.join(', ')}.`));
    try {
      await finish(deps, runId, ['executing', 'verifying'], 'failed', `internal error ${errorId}`);
      const current = await deps.store.getRun(runId);
      if (current) {
        await tell(deps, () => deps.chat.updatePlan(current));
        await syncIncident(deps, current, 'failed');
      }
    } catch (storeError) {
      log.error({ err: storeError, runId, errorId }, 'could not record the failed run; the next start reports it as interrupted');
    }
  }
}

async function collectEvidence(deps: UseCaseDeps, run: Run, service: Service): Promise<Evidence | undefined> {
  const failed = await deps.store.getDeployment(run.plan.failedDeploymentId);
  const failedImages = failed ? Object.values(failed.components).map((c) => c.image) : [];
  try {
    return await deps.provider.evidence(run, service, failedImages, AbortSignal.timeout(EVIDENCE_TIMEOUT_MS));
  } catch (error) {
    deps.logger.warn({ err: error, runId: run.id }, 'collecting evidence failed');
    await deps.store.appendTimeline(timelineEvent(deps, run.id, SYSTEM, 'evidence_failed', 'evidence of the failed version could not be collected'));
    return undefined;
  }
}

/**
 * Adds to the cluster's evidence what only the records know (the diff between the two releases,
 * migrations) and the incident's own timeline — after verification, so it includes the acknowledgement.
 */
async function completeEvidence(deps: UseCaseDeps, run: Run, cluster: Evidence | undefined): Promise<Evidence> {
  const evidence: Evidence = cluster ?? { failedImages: [], pods: [], warnings: [], logs: [] };
  const failed = await deps.store.getDeployment(run.plan.failedDeploymentId);
  const target = await deps.store.getDeployment(run.plan.targetDeploymentId);
  if (failed && target) {
    const history = await deps.store.listDeployments(failed.service, failed.environment, 200);
    const undone = history.filter((d) => d.createdAt > target.createdAt && d.createdAt <= failed.createdAt);
    evidence.release = releaseDiff(failed, target, undone.length > 0 ? undone : [failed]);
  }
  const incident = run.plan.incident;
  if (incident && deps.incidents) {
    const entries = await deps.incidents.timeline(incident.id, AbortSignal.timeout(EVIDENCE_TIMEOUT_MS)).catch(() => []);
    evidence.incident = { id: incident.id, entries };
  }
  return evidence;
}

/** Runs the steps in order; returns the first failed step's result, or undefined when all are done. */
async function runSteps(deps: UseCaseDeps, run: Run, service: Service): Promise<StepResult | undefined> {
  for (const step of run.plan.steps) {
    if (deps.shutdown?.aborted) return undefined;
    const startedAt = deps.clock.now().toISOString();
    await deps.store.saveStepResult(run.id, { index: step.index, status: 'running', startedAt, detail: step.description });
    await deps.store.appendTimeline(timelineEvent(deps, run.id, SYSTEM, 'step_started', `step ${step.index}: ${step.description}`));
    const running = await mustGet(deps, run.id);
    await tell(deps, () => deps.chat.updatePlan(running));
    const result = await executeStep(deps, run, step, service, startedAt);
    if (deps.shutdown?.aborted) return undefined; // cut short by the shutdown: not a failed step
    await deps.store.saveStepResult(run.id, result);
    await deps.store.appendTimeline(timelineEvent(deps, run.id, SYSTEM, result.status === 'done' ? 'step_done' : 'step_failed', `step ${step.index}: ${result.detail}`));
    const after = await mustGet(deps, run.id);
    await tell(deps, () => deps.chat.updatePlan(after));
    if (result.status === 'failed') return result;
  }
  return undefined;
}

async function executeStep(deps: UseCaseDeps, run: Run, step: Step, service: Service, startedAt: string): Promise<StepResult> {
  try {
    const signal = deps.shutdown ? AbortSignal.any([deps.shutdown, AbortSignal.timeout(STEP_TIMEOUT_MS)]) : AbortSignal.timeout(STEP_TIMEOUT_MS);
    return await deps.provider.execute(run, step, service, signal);
  } catch (error) {
    deps.logger.warn({ err: error, runId: run.id, step: step.index }, 'step failed');
    const message = error instanceof Error ? error.message : String(error);
    return { index: step.index, status: 'failed', startedAt, finishedAt: deps.clock.now().toISOString(), detail: message.slice(0, 500) };
  }
}

async function verify(deps: UseCaseDeps, run: Run, service: Service): Promise<Verification> {
  const startedAt = deps.clock.now().toISOString();
  const signal = AbortSignal.timeout(service.verification.timeoutSeconds * 1000);
  const rollout = await deps.provider.verify(run, service, signal);
  const health = await deps.health.run(service.verification, { service: service.name, version: run.plan.toVersion, runId: run.id }, signal);
  const checks = [...rollout.checks, ...health];
  const phase = checks.some((c) => c.phase === 'failed') ? 'Failed' : 'Succeeded';
  return { phase, checks, startedAt, finishedAt: deps.clock.now().toISOString() };
}

async function finish(deps: UseCaseDeps, runId: string, from: RunStatus[], to: RunStatus, detail: string): Promise<void> {
  await deps.store.transition(runId, from, to, timelineEvent(deps, runId, SYSTEM, to, detail));
}

/** The process is stopping: write nothing more; the next start marks the run interrupted and says so. */
function leaveForNextStart(deps: UseCaseDeps, runId: string): void {
  deps.logger.warn({ runId }, 'shutting down mid-run: the run is left for the next start to report as interrupted');
}

/** Chat is how people see progress, but a Slack outage must never stop or fail a rollback in flight. */
async function tell(deps: UseCaseDeps, post: () => Promise<void>): Promise<void> {
  try {
    await post();
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not update Slack; the rollback goes on');
  }
}

async function mustGet(deps: UseCaseDeps, runId: string): Promise<Run> {
  const run = await deps.store.getRun(runId);
  if (!run) throw new Error(`run ${runId} vanished from the store`);
  return run;
}

function stepFailureNote(run: Run, failed: StepResult): string {
  const left = run.plan.steps.filter((s) => s.index > failed.index).map((s) => `${s.index}. ${s.description}`);
  return [
    `:x: *Step ${failed.index} failed:* ${failed.detail}`,
    left.length > 0 ? `Not done, to do by hand if still needed:\n${left.join('\n')}` : 'It was the last step.',
    'Check the cluster before retrying: the failed step may have been partly applied.',
  ].join('\n');
}
