// The pieces of an execution that talk to the cluster and the records: evidence, one step,
// verification, the root-cause inputs. Each is bounded in time; none records anything itself.
import { deadlineSignal } from '../deadline-signal.js';
import { releaseDiff } from '../report/release-diff.js';
import type { DeployState, Evidence, Run, Step, StepResult, Verification } from '../model.js';
import type { Service } from '../service.js';
import type { DeployProvider } from '../ports.js';
import type { UseCaseDeps } from '../use-cases/deps.js';
import { judgeVerification } from '../verification-verdict.js';

const EVIDENCE_TIMEOUT_MS = 10_000;
const STATE_READ_TIMEOUT_MS = 15_000;
// A step's own deadline comes from the Deployment's progress deadline; this only bounds a hung client.
const STEP_TIMEOUT_MS = 15 * 60_000;

/** The failed version's pods, events and logs — read before the first step, because the rollback replaces them. */
export async function collectEvidence(
  deps: UseCaseDeps,
  run: Run,
  service: Service,
  provider: DeployProvider = deps.provider,
): Promise<Evidence | undefined> {
  const failed = await deps.store.getDeployment(run.plan.failedDeploymentId);
  const failedImages = failed ? Object.values(failed.components).map((c) => c.image) : [];
  try {
    return await provider.evidence(run, service, failedImages, AbortSignal.timeout(EVIDENCE_TIMEOUT_MS));
  } catch (error) {
    deps.logger.warn({ err: error, runId: run.id }, 'collecting evidence failed');
    return undefined;
  }
}

/**
 * Adds to the cluster's evidence what only the records know (the diff between the two releases,
 * migrations) and the incident's own timeline — after verification, so it includes the acknowledgement.
 */
export async function completeEvidence(deps: UseCaseDeps, run: Run, cluster: Evidence | undefined): Promise<Evidence> {
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

/** Never throws: a provider error is a failed step. `signal` stops it when the process stops or the lease is lost. */
export async function executeStep(
  deps: UseCaseDeps,
  run: Run,
  step: Step,
  service: Service,
  startedAt: string,
  signal: AbortSignal,
  provider: DeployProvider = deps.provider,
): Promise<StepResult> {
  try {
    return await provider.execute(run, step, service, deadlineSignal(STEP_TIMEOUT_MS, signal));
  } catch (error) {
    deps.logger.warn({ err: error, runId: run.id, step: step.index }, 'step failed');
    const message = error instanceof Error ? error.message : String(error);
    return { index: step.index, status: 'failed', startedAt, finishedAt: deps.clock.now().toISOString(), detail: message.slice(0, 500) };
  }
}

/** `stop` cuts it short when the process stops or the lease is lost; the caller then records nothing. */
export async function verify(deps: UseCaseDeps, run: Run, service: Service, stop?: AbortSignal): Promise<Verification> {
  const startedAt = deps.clock.now().toISOString();
  const signal = deadlineSignal(service.verification.timeoutSeconds * 1000, stop);
  const rollout = await deps.provider.verify(run, service, signal);
  const health = await deps.health.run(service.verification, { service: service.name, version: run.plan.toVersion, runId: run.id }, signal);
  const checks = [...rollout.checks, ...health];
  const phase = checks.some((c) => c.phase === 'failed') ? 'Failed' : 'Succeeded';
  // "Verified" means checked: nothing checked is "not verified", or Failed with verification.required.
  return judgeVerification({ phase, checks, startedAt, finishedAt: deps.clock.now().toISOString() }, service.verification);
}

/** The cluster now, or undefined (logged) when it cannot be read. */
export async function readState(
  deps: UseCaseDeps,
  service: Service,
  runId: string,
  provider: DeployProvider = deps.provider,
): Promise<{ state?: DeployState; error?: string }> {
  try {
    return { state: await provider.currentState(service, AbortSignal.timeout(STATE_READ_TIMEOUT_MS)) };
  } catch (error) {
    deps.logger.warn({ err: error, runId }, 'reading the cluster failed');
    return { error: error instanceof Error ? error.message.slice(0, 200) : 'error' };
  }
}
