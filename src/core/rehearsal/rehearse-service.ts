// Rehearses one service's rollback to its last known good version without executing anything: the
// plan as it would be made now, the target system's server-side dry run of every write, the bot's
// permission for every verb it would use, and whether the target revision is still there. Found on
// a quiet Tuesday instead of during the incident.
import { UserError } from '../errors.js';
import type { Run, SafetyCheck } from '../model.js';
import { buildPlan } from '../plan.js';
import { evaluateSafety } from '../safety.js';
import type { Service } from '../service.js';
import { chooseTarget } from '../target.js';
import { discoverHistory, versionHistoryOf } from '../use-cases/deployment-history.js';
import type { UseCaseDeps } from '../use-cases/deps.js';
import type { ServiceReadiness } from './readiness.js';

type RehearsalDeps = Pick<UseCaseDeps, 'store' | 'provider' | 'clock' | 'logger' | 'catalog'>;

const HISTORY_DEPTH = 200;
const STATE_TIMEOUT_MS = 15_000;
const DRY_RUN_TIMEOUT_MS = 30_000;
const ACCESS_TIMEOUT_MS = 15_000;
// Checks about the moment (another run, a rollout under way, drift) say nothing about whether the
// procedure works; they belong to a real plan, not to readiness.
const MOMENTARY = new Set(['active_run', 'rollout_in_progress', 'drift', 'failed_deployment']);

export async function rehearseService(deps: RehearsalDeps, service: Service): Promise<ServiceReadiness> {
  const started = deps.clock.now();
  const result: ServiceReadiness = {
    service: service.name,
    environment: service.environment,
    ready: false,
    checkedAt: started.toISOString(),
    durationMs: 0,
    steps: 0,
    dryRun: 'not_run',
    permissions: 'unchecked',
    targetRevision: 'unknown',
    problems: [],
  };
  const done = () => {
    result.ready = result.problems.length === 0;
    result.durationMs = deps.clock.now().getTime() - started.getTime();
    return result;
  };
  try {
    await rehearse(deps, service, result);
  } catch (error) {
    if (!(error instanceof UserError)) deps.logger.warn({ err: error, service: service.name }, 'rehearsal failed unexpectedly');
    result.problems.push(
      error instanceof UserError
        ? error.message
        : `the rehearsal could not run: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`,
    );
  }
  return done();
}

async function rehearse(deps: RehearsalDeps, service: Service, result: ServiceReadiness): Promise<void> {
  let deployments = await deps.store.listDeployments(service.name, service.environment, HISTORY_DEPTH);
  if (deployments.length < 2) {
    await discoverHistory(deps as UseCaseDeps, service).catch((error: unknown) =>
      deps.logger.warn({ err: error, service: service.name }, 'history discovery failed'),
    );
    deployments = await deps.store.listDeployments(service.name, service.environment, HISTORY_DEPTH);
  }
  const live = deployments.find((d) => d.status !== 'rolled_back');
  if (!live) throw new UserError(`no deployment of ${service.name} is recorded or visible in the cluster: there is nothing to roll back from.`);
  // As if the live deployment had just failed: where would the rollback go, and could it get there?
  const choice = chooseTarget(live, await versionHistoryOf(deps, service, deployments));
  result.fromVersion = choice.failed.version;
  result.toVersion = choice.target.version;
  const state = await deps.provider.currentState(service, AbortSignal.timeout(STATE_TIMEOUT_MS));
  const checks: SafetyCheck[] = [
    ...choice.checks,
    ...evaluateSafety({ service, failed: choice.failed, target: choice.target, undone: choice.undone, state, activeRun: undefined }),
  ];
  const now = deps.clock.now();
  const plan = buildPlan({
    service,
    failed: choice.failed,
    target: choice.target,
    state,
    checks,
    undone: choice.undone,
    reason: 'rollback rehearsal',
    dryRun: true,
    now,
  });
  result.steps = plan.steps.length;
  for (const check of plan.checks) {
    if (check.outcome === 'block' && !MOMENTARY.has(check.id)) result.problems.push(check.message);
  }
  const available = plan.checks.find((c) => c.id === 'target_available');
  result.targetRevision = service.target.kind !== 'kubernetes' ? 'not_applicable' : available?.outcome === 'pass' ? 'present' : 'gone';
  if (result.targetRevision === 'gone') result.problems.push(available?.message ?? 'the target revision is no longer in the cluster');

  // The run the rehearsal would be: never stored, never shown; the provider only validates its writes.
  const run: Run = {
    id: `rehearsal-${service.name}`,
    status: 'planned',
    plan,
    requestedBy: { kind: 'system', id: 'rehearsal' },
    channel: service.channel ?? '',
    approvals: [],
    stepResults: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (plan.steps.length > 0) {
    const signal = AbortSignal.timeout(DRY_RUN_TIMEOUT_MS);
    let refused = 0;
    for (const step of plan.steps) {
      const outcome = await deps.provider
        .dryRun(run, step, service, signal)
        .catch((error: unknown) => ({ status: 'failed' as const, detail: error instanceof Error ? error.message : String(error) }));
      if (outcome.status !== 'done') {
        refused++;
        result.problems.push(`step ${step.index} (${step.description}) would be refused: ${outcome.detail.slice(0, 300)}`);
      }
    }
    result.dryRun = refused === 0 ? 'accepted' : 'refused';
  }
  if (deps.provider.checkAccess) {
    const access = await deps.provider.checkAccess(service, plan.steps, AbortSignal.timeout(ACCESS_TIMEOUT_MS));
    if (access) {
      const denied = access.filter((a) => !a.allowed);
      result.permissions = denied.length === 0 ? 'granted' : 'denied';
      for (const a of denied) result.problems.push(`the bot may not ${a.action}${a.reason ? ` (${a.reason})` : ''}`);
    }
  }
}
