// Builds the rollback plan: what runs now, what it becomes, the checks, the risk and the steps.
import { fingerprintState } from './fingerprint.js';
import type { Deployment, DeployState, RollbackPlan, SafetyCheck, Step } from './model.js';
import { assessRisk, requiredApprovals } from './risk.js';
import type { Service } from './service.js';

export interface PlanInput {
  service: Service;
  failed: Deployment;
  target: Deployment;
  state: DeployState;
  checks: SafetyCheck[];
  reason: string | undefined;
  dryRun: boolean;
  now: Date;
}

// A rollout of a handful of replicas usually settles within this; it is an estimate shown to people.
const EXPECTED_ROLLOUT_SECONDS = 60;

export function buildPlan(input: PlanInput): RollbackPlan {
  const { service, failed, target, state, checks, now } = input;
  const risk = assessRisk(checks);
  const steps = buildSteps(target, state);
  return {
    service: service.name,
    environment: service.environment,
    failedDeploymentId: failed.id,
    targetDeploymentId: target.id,
    fromVersion: failed.version,
    toVersion: target.version,
    reason: input.reason ?? `Deployment \`${failed.id}\` (${failed.version}) failed`,
    strategy: 'full',
    components: steps.map((s) => s.component),
    checks,
    risk,
    requiredApprovals: requiredApprovals(risk, service.approvals),
    steps,
    dryRun: input.dryRun,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + service.planExpiryMinutes * 60_000).toISOString(),
    fingerprint: fingerprintState(state),
  };
}

export function isBlocked(plan: RollbackPlan): boolean {
  return plan.checks.some((c) => c.outcome === 'block');
}

/** One step per component whose target image is known: roll it back to the newest revision running that image. */
function buildSteps(target: Deployment, state: DeployState): Step[] {
  const steps: Step[] = [];
  for (const component of state.components) {
    const image = target.components[component.name]?.image;
    if (image === undefined) continue;
    const revision = component.history.find((h) => h.images.includes(image))?.revision;
    const where = revision === undefined ? '' : ` (revision ${revision})`;
    steps.push({
      index: steps.length + 1,
      kind: 'rollout_undo',
      component: component.name,
      description: `Roll \`${component.name}\` back to \`${image}\`${where} and wait until every replica is ready.`,
      expectedSeconds: EXPECTED_ROLLOUT_SECONDS,
      target: revision === undefined ? { image } : { image, revision },
    });
  }
  return steps;
}
