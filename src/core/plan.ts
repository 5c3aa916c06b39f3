// Builds the rollback plan: what runs now, what it becomes, the checks, the risk and the steps.
import { databaseSteps, describeDatabaseSteps } from './database-steps.js';
import type { DetectionReport } from './detection-report.js';
import { fingerprintState, observe } from './fingerprint.js';
import { automationVerdict } from './automation-policy.js';
import { configRestore } from './config-restore.js';
import { applyForce } from './force.js';
import type { AutomationVerdict, Deployment, DeployState, IncidentRef, RequestedStrategy, RollbackPlan, SafetyCheck, Step } from './model.js';
import { assessRisk, requiredApprovals } from './risk.js';
import type { Service } from './service.js';
import { planSteps } from './steps.js';

export interface PlanInput {
  service: Service;
  failed: Deployment;
  target: Deployment;
  state: DeployState;
  checks: SafetyCheck[];
  reason: string | undefined;
  dryRun: boolean;
  now: Date;
  /** Partial rollback: only these components (already checked against the catalog). */
  components?: string[];
  incident?: IncidentRef;
  /** Issue detection measured for this plan (catalog `detection`). */
  detection?: DetectionReport;
  /** Deployments after the target up to the failed one: their migrations become database steps (catalog `database`). */
  undone?: Deployment[];
  /** `--force` (force.ts has already refused it where it is not allowed): overridable blockers become warnings. */
  force?: boolean;
  /** The request asks to run without people: the plan records whether its risk allows that, and why. */
  automation?: AutomationVerdict['via'];
  /** `--strategy`: gradual or instant instead of the catalog's default (blue-green services only). */
  strategy?: RequestedStrategy;
}

export function buildPlan(input: PlanInput): RollbackPlan {
  const { service, failed, target, state, now } = input;
  const { strategy, steps, checks: planChecks } = planSteps(service, target, state, input.components, input.strategy);
  // Configuration first: the template's new pods must start with the contents the target ran with.
  const config = steps.length > 0 ? configRestore(target, state.config, steps[0]!.component) : { steps: [], checks: [] };
  const strategyChecks = [...planChecks, ...config.checks];
  // Database steps go first: a failed down migration stops the run before the application is touched.
  const dbSteps = input.checks.some((c) => c.id === 'migrations' && c.outcome === 'block') ? [] : databaseSteps(service, input.undone ?? []);
  let checks = [...describeDatabaseSteps(input.checks, dbSteps, input.undone ?? []), ...strategyChecks];
  if (steps.length === 0 && !checks.some((c) => c.outcome === 'block')) {
    checks.push({
      id: 'steps',
      outcome: 'block',
      message: `Nothing to do: no component of ${service.name} has a recorded image for \`${target.version}\`.`,
    });
  }
  if (input.force) checks = applyForce(checks, input.reason ?? '');
  const risk = assessRisk(checks);
  const plan: RollbackPlan = {
    service: service.name,
    environment: service.environment,
    failedDeploymentId: failed.id,
    targetDeploymentId: target.id,
    fromVersion: failed.version,
    toVersion: target.version,
    reason: input.reason ?? `Deployment \`${failed.id}\` (${failed.version}) failed`,
    strategy,
    components: [...new Set(steps.map((s) => s.component))],
    checks,
    risk,
    requiredApprovals: requiredApprovals(risk, service.approvals),
    steps: [...dbSteps, ...config.steps, ...steps].map((s, i) => ({ ...s, index: i + 1 }) as Step),
    dryRun: input.dryRun,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + service.planExpiryMinutes * 60_000).toISOString(),
    fingerprint: fingerprintState(state),
    observed: observe(state),
    request: {
      targetVersion: target.version,
      ...(input.components ? { components: input.components } : {}),
      ...(input.force ? { force: true } : {}),
      ...(input.strategy ? { strategy: input.strategy } : {}),
    },
    ...(input.incident ? { incident: input.incident } : {}),
    ...(input.detection ? { detection: input.detection } : {}),
    ...(input.force ? { forced: true } : {}),
  };
  if (input.automation) plan.automation = automationVerdict(plan, service.approvals, input.automation);
  return plan;
}

export function isBlocked(plan: RollbackPlan): boolean {
  return plan.checks.some((c) => c.outcome === 'block');
}
