// A person (or CI) asks to roll back a failed deployment: build the plan, record the run, show it.
import type { RollbackRequest } from '../command.js';
import { UserError } from '../errors.js';
import type { Actor, Run } from '../model.js';
import { buildPlan, isBlocked } from '../plan.js';
import { evaluateSafety } from '../safety.js';
import { selectLastKnownGood } from '../target.js';
import { approveAutomatically } from './decide.js';
import { timelineEvent, type UseCaseDeps } from './deps.js';
import { expireStalePlans } from './expire-plans.js';

const HISTORY_DEPTH = 200;
const STATE_READ_TIMEOUT_MS = 15_000;

export interface RollbackInput {
  request: RollbackRequest;
  requester: Actor;
  channel: string;
}

export async function requestRollback(deps: UseCaseDeps, input: RollbackInput): Promise<Run> {
  const { request, requester } = input;
  const failed = await deps.store.getDeployment(request.failedDeploymentId);
  if (!failed) {
    throw new UserError(`No deployment \`${request.failedDeploymentId}\` is recorded. Check the id, or see \`/smartspec_rollback history <service>\`.`);
  }
  const service = deps.catalog.services.get(failed.service);
  if (!service || service.environment !== failed.environment) {
    throw new UserError(`Service \`${failed.service}\` (${failed.environment}) is not in the catalog (smartspec.yml), so it cannot be rolled back from here.`);
  }
  if (request.autoApprove && !service.approvals.autoApprove.includes(requester.id)) {
    throw new UserError(`You may not use \`--auto-approve\` on ${service.name}: only ${service.approvals.autoApprove.join(', ') || 'nobody'} may. Ask without it and an approver will decide.`);
  }
  const history = await deps.store.listDeployments(service.name, service.environment, HISTORY_DEPTH);
  const target = selectLastKnownGood(failed, history, request.targetVersion);

  let state;
  try {
    state = await deps.provider.currentState(service, AbortSignal.timeout(STATE_READ_TIMEOUT_MS));
  } catch (error) {
    deps.logger.error({ err: error, service: service.name }, 'reading the cluster failed');
    throw new UserError(`Could not read the current state of ${service.name} from the cluster, so no plan was made: ${describe(error)}`);
  }
  const undone = history.filter((d) => d.createdAt > target.createdAt && d.createdAt <= failed.createdAt);
  await expireStalePlans(deps, service.name);
  const planFor = async () => {
    const activeRun = await deps.store.activeRunFor(service.name, service.environment);
    const checks = evaluateSafety({ service, failed, target, undone, state, activeRun });
    const now = deps.clock.now();
    const plan = buildPlan({ service, failed, target, state, checks, reason: request.reason, dryRun: request.dryRun, now });
    const status = request.dryRun ? 'planned' as const : isBlocked(plan) ? 'blocked' as const : 'awaiting_approval' as const;
    const run: Run = { id: deps.newRunId(), status, plan, requestedBy: requester, channel: input.channel, approvals: [], stepResults: [], createdAt: now.toISOString(), updatedAt: now.toISOString() };
    const detail = `${plan.fromVersion} → ${plan.toVersion}, risk ${plan.risk}${request.dryRun ? ', dry run' : ''}${status === 'blocked' ? ', blocked' : ''}`;
    return { run, outcome: await deps.store.createRun(run, timelineEvent(deps, run.id, requester, 'requested', detail)) };
  };
  // Another request may take the service between our check and our write: then plan again, and that
  // second plan is blocked by the run that won, which it names.
  let { run, outcome } = await planFor();
  if (outcome === 'locked') ({ run, outcome } = await planFor());
  if (outcome === 'locked') throw new UserError(`Another rollback of ${service.name} started at the same moment; see \`/smartspec_rollback status\`.`);
  const status = run.status;
  run.message = await deps.chat.postPlan(run);
  await deps.store.setMessage(run.id, run.message);

  if (request.autoApprove && status === 'awaiting_approval') {
    await approveAutomatically(deps, run.id, requester);
  }
  return (await deps.store.getRun(run.id)) ?? run;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 300) : 'unknown error';
}
