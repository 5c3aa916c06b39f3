// A person, CI or PagerDuty asks to roll back a failed deployment: build the plan, record the run,
// show it. A dry run also has the API server validate every write, without applying any.
import type { RollbackRequest } from '../command.js';
import { UserError } from '../errors.js';
import type { Actor, Deployment, DeployState, IncidentRef, Run } from '../model.js';
import type { DetectionReport } from '../detection-report.js';
import { buildPlan, isBlocked } from '../plan.js';
import { evaluateSafety } from '../safety.js';
import type { Service } from '../service.js';
import { chooseTarget, type TargetChoice } from '../target.js';
import { automationVia } from './automation-gate.js';
import { approveAutomatically } from './decide.js';
import { approverRefs } from './approval-policy.js';
import { publish, SYSTEM, timelineEvent, type UseCaseDeps } from './deps.js';
import { discoverHistory, findDeployment, versionHistoryOf } from './deployment-history.js';
import { expireStalePlanOf } from './expire-plans.js';
import { detectionFor } from './measure-detection.js';
import { linkedIncident, namedIncident } from './named-incident.js';
import { newestDeployment, newestDeploymentCheck } from './newest-deployment.js';
import { authorizeRequest, checkPartial } from './request-policy.js';

const HISTORY_DEPTH = 200;
const STATE_READ_TIMEOUT_MS = 15_000;
const DRY_RUN_TIMEOUT_MS = 30_000;

export interface RollbackInput {
  request: RollbackRequest;
  requester: Actor;
  /** Where the plan is posted: the channel the command was typed in, or the service's channel. */
  channel: string;
  incident?: IncidentRef;
  /** The Slack workspace (team id) the command came from: with the channel, finds a linked PagerDuty incident. */
  workspace?: string;
  /** Set by retry and by a refresh after drift: the run this one plans again. */
  supersedes?: { runId: string; why: 'retry' | 'drift' };
  /** Detection already measured by the caller (PagerDuty decides with it); otherwise planning measures. */
  detection?: DetectionReport;
}

/** What a request is about and whether its requester may ask: the failed deployment and its service. */
export interface AdmittedRequest {
  failed: Deployment;
  service: Service;
  components: string[] | undefined;
}

/**
 * The cheap part of a request (records and catalog, no cluster): which deployment failed, which
 * service it is, and whether this requester may ask for it here. Throws UserError otherwise.
 */
export async function admitRequest(deps: UseCaseDeps, input: RollbackInput): Promise<AdmittedRequest> {
  const { request, requester } = input;
  const failed =
    request.service !== undefined
      ? await newestDeployment(deps, request.service, request.environment)
      : await findDeployment(deps, request.failedDeploymentId ?? '');
  if (!failed) {
    throw new UserError(
      `No deployment \`${request.failedDeploymentId}\` is recorded. Check the id, or see \`/smartspec_rollback history <service>\` (unrecorded services: \`<service>@r<revision>\`).`,
      undefined,
      'not_found',
    );
  }
  const service = deps.catalog.services.get(failed.service);
  if (!service || service.environment !== failed.environment) {
    throw new UserError(
      `Service \`${failed.service}\` (${failed.environment}) is not in the catalog (smartspec.yml), so it cannot be rolled back from here.`,
    );
  }
  if (request.environment && request.environment !== failed.environment) {
    throw new UserError(`\`${failed.id}\` was deployed to ${failed.environment}, not ${request.environment}. Nothing was planned.`);
  }
  authorizeRequest(service, request, requester, requester.kind === 'slack_user' ? input.channel : undefined);
  return { failed, service, components: checkPartial(service, request.components) };
}

/** Plans, records and shows a rollback (`admitted`: the request as admitRequest found it, when the caller already did). */
export async function requestRollback(deps: UseCaseDeps, input: RollbackInput, admitted?: AdmittedRequest): Promise<Run> {
  const { request, requester } = input;
  const { failed, service, components } = admitted ?? (await admitRequest(deps, input));
  if (!input.incident && request.incident !== undefined) input = { ...input, incident: await namedIncident(deps, request.incident) };
  if (!input.incident && request.incident === undefined && input.workspace && requester.kind === 'slack_user') {
    const linked = await linkedIncident(deps, service, input.workspace, input.channel);
    if (linked) input = { ...input, incident: linked };
  }

  // The records (history, what past runs proved), the cluster and the service's stale plan are read at
  // once: none needs another. A records error is reported before a cluster error, as when sequential.
  const [chosen, read, expired] = await Promise.allSettled([
    (async () => chooseTarget(failed, await versionHistoryOf(deps, service, await historyOf(deps, service)), request.targetVersion))(),
    readState(deps, service),
    expireStalePlanOf(deps, service),
  ]);
  if (chosen.status === 'rejected') throw chosen.reason;
  if (read.status === 'rejected') throw read.reason;
  if (expired.status === 'rejected') throw expired.reason;
  const choice = chosen.value;
  const state = read.value;
  if (!input.detection) {
    const detection = await detectionFor(deps, service, choice.failed, choice.target);
    if (detection) input = { ...input, detection };
  }
  const run = await createRun(deps, input, service, choice, state, components);
  deps.correlate?.({ runId: run.id });
  run.message = await showPlan(deps, run);
  await deps.store.setMessage(run.id, run.message);
  await publishPlanned(deps, run, service);

  if (request.dryRun) await dryRunSteps(deps, run, service);
  else if (request.autoApprove && run.status === 'awaiting_approval') await approveAutomatically(deps, run.id, requester);
  return (await deps.store.getRun(run.id)) ?? run;
}

/** Tells the subscribers (approver mentions in the thread, PagerDuty) that a plan exists. */
async function publishPlanned(deps: UseCaseDeps, run: Run, service: Service): Promise<void> {
  const status = run.status === 'blocked' || run.status === 'planned' ? run.status : 'awaiting_approval';
  await publish(deps, {
    type: 'planned',
    runId: run.id,
    at: deps.clock.now().toISOString(),
    actor: run.requestedBy,
    status,
    approvers: status === 'awaiting_approval' ? approverRefs(service) : [],
    ...(run.plan.supersedes ? { supersedes: run.plan.supersedes } : {}),
  });
}

/** A plan nobody can see must not hold the service: if Slack refuses it, cancel the run and say so. */
async function showPlan(deps: UseCaseDeps, run: Run) {
  try {
    return await deps.chat.postPlan(run);
  } catch (error) {
    // Only a plan awaiting approval holds the service; blocked plans and dry runs hold nothing.
    if (run.status === 'awaiting_approval') {
      const cancelled = await deps.store
        .transition(
          run.id,
          ['awaiting_approval'],
          'cancelled',
          timelineEvent(deps, run.id, SYSTEM, 'cancelled', 'the plan could not be posted in Slack; nothing was executed'),
        )
        .catch(() => false);
      if (cancelled)
        await publish(deps, {
          type: 'cancelled',
          runId: run.id,
          at: deps.clock.now().toISOString(),
          actor: SYSTEM,
          was: 'awaiting_approval',
          why: 'not_shown',
          stepsDone: [],
          stepsNotDone: [],
          components: [],
        });
    }
    deps.logger.error({ err: error, runId: run.id }, 'posting the plan failed');
    throw new UserError(
      'The plan could not be posted in the channel (Slack refused it), so it was cancelled and nothing will run. Try again in a minute.',
    );
  }
}

async function historyOf(deps: UseCaseDeps, service: Service): Promise<Deployment[]> {
  const recorded = await deps.store.listDeployments(service.name, service.environment, HISTORY_DEPTH);
  if (recorded.length > 1) return recorded;
  await discoverHistory(deps, service).catch((error: unknown) => deps.logger.warn({ err: error, service: service.name }, 'history discovery failed'));
  return deps.store.listDeployments(service.name, service.environment, HISTORY_DEPTH);
}

async function readState(deps: UseCaseDeps, service: Service): Promise<DeployState> {
  try {
    return await deps.provider.currentState(service, AbortSignal.timeout(STATE_READ_TIMEOUT_MS));
  } catch (error) {
    deps.logger.error({ err: error, service: service.name }, 'reading the deployment state failed');
    throw new UserError(
      `Could not read the current state of ${service.name}, so no plan was made: ${error instanceof Error ? error.message.slice(0, 300) : 'unknown error'}`,
    );
  }
}

async function createRun(
  deps: UseCaseDeps,
  input: RollbackInput,
  service: Service,
  choice: TargetChoice,
  state: DeployState,
  components: string[] | undefined,
): Promise<Run> {
  const { request, requester } = input;
  const { failed, target, undone } = choice;
  const attempt = async () => {
    const activeRun = await deps.store.activeRunFor(service.name, service.environment);
    const checks = [...choice.checks, ...evaluateSafety({ service, failed, target, undone, state, activeRun })];
    if (request.service !== undefined) checks.unshift(newestDeploymentCheck(failed, deps.clock.now()));
    const now = deps.clock.now();
    const plan = buildPlan({
      service,
      failed,
      target,
      state,
      checks,
      undone,
      reason: request.reason,
      dryRun: request.dryRun,
      now,
      force: request.force === true,
      ...(request.autoApprove ? { automation: automationVia(requester) } : {}),
      ...(components ? { components } : {}),
      ...(input.incident ? { incident: input.incident } : {}),
      ...(input.detection ? { detection: input.detection } : {}),
      ...(request.strategy ? { strategy: request.strategy } : {}),
    });
    const status = request.dryRun ? ('planned' as const) : isBlocked(plan) ? ('blocked' as const) : ('awaiting_approval' as const);
    const run: Run = {
      id: deps.newRunId(),
      status,
      plan,
      requestedBy: requester,
      channel: input.channel,
      approvals: [],
      stepResults: [],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    if (input.supersedes) plan.supersedes = input.supersedes;
    const where = requester.kind === 'slack_user' ? `in channel ${input.channel}` : `via ${requester.kind === 'api' ? 'the API' : requester.kind}`;
    const again = input.supersedes ? `, ${input.supersedes.why === 'retry' ? 'retry' : 'refreshed plan'} of ${input.supersedes.runId}` : '';
    const detail = `${plan.fromVersion} → ${plan.toVersion} (${plan.strategy}), risk ${plan.risk}${request.dryRun ? ', dry run' : ''}${status === 'blocked' ? ', blocked' : ''}${plan.forced ? ', forced' : ''}, ${where}${again}`;
    return { run, outcome: await deps.store.createRun(run, timelineEvent(deps, run.id, requester, 'requested', detail)) };
  };
  // Another request may take the service between our check and our write (the store's lock is
  // atomic): then plan again, and the second plan is blocked by the run that won, which it names.
  let { run, outcome } = await attempt();
  if (outcome === 'locked') ({ run, outcome } = await attempt());
  if (outcome === 'locked')
    throw new UserError(`Another rollback of ${service.name} started at the same moment; see \`/smartspec_rollback status\`.`);
  return run;
}

/** Each step validated by the target system (Kubernetes: dryRun=All) and shown as the plan's progress. */
async function dryRunSteps(deps: UseCaseDeps, run: Run, service: Service): Promise<void> {
  if (isBlocked(run.plan)) return;
  const signal = AbortSignal.timeout(DRY_RUN_TIMEOUT_MS);
  for (const step of run.plan.steps) {
    let result;
    try {
      result = await deps.provider.dryRun(run, step, service, signal);
    } catch (error) {
      const at = deps.clock.now().toISOString();
      result = {
        index: step.index,
        status: 'failed' as const,
        startedAt: at,
        finishedAt: at,
        detail: error instanceof Error ? error.message.slice(0, 300) : 'dry run failed',
      };
    }
    await deps.store.saveStepResult(run.id, result);
    await deps.store.appendTimeline(
      timelineEvent(
        deps,
        run.id,
        SYSTEM,
        'dry_run_step',
        `step ${step.index}: ${result.status === 'done' ? 'accepted' : 'refused'}: ${result.detail}`,
      ),
    );
  }
  const updated = await deps.store.getRun(run.id);
  if (updated) await deps.chat.updatePlan(updated).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not show the dry run result'));
}
