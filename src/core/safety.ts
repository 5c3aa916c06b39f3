// Pre-rollback checks. Each says pass, warn or block in one line an on-call engineer can act on.
import type { Deployment, DeployState, Run, SafetyCheck } from './model.js';
import type { Service } from './service.js';

export interface SafetyInput {
  service: Service;
  failed: Deployment;
  target: Deployment;
  /** Deployments after the target up to and including the failed one: their migrations would be undone. */
  undone: Deployment[];
  state: DeployState;
  activeRun: Run | undefined;
}

export function evaluateSafety(input: SafetyInput): SafetyCheck[] {
  return [
    checkMigrations(input),
    checkTargetVerification(input),
    checkDrift(input),
    checkRolloutInProgress(input),
    checkActiveRun(input),
    checkTargetAvailable(input),
  ];
}

export function checkMigrations({ undone }: SafetyInput): SafetyCheck {
  const migrations = undone.flatMap((d) => d.migrations);
  const irreversible = migrations.filter((m) => !m.reversible).map((m) => m.id);
  if (irreversible.length > 0) {
    return { id: 'migrations', outcome: 'block', message: `Migration ${irreversible.join(', ')} has no down migration: roll the schema back by hand first, or roll forward.` };
  }
  const destructive = migrations.filter((m) => m.destructive).map((m) => m.id);
  if (destructive.length > 0) {
    return { id: 'migrations', outcome: 'block', message: `Migration ${destructive.join(', ')} is destructive: the old version may not run on the new schema. Roll forward instead.` };
  }
  const lossy = migrations.filter((m) => m.mayLoseData).map((m) => m.id);
  if (lossy.length > 0) {
    return { id: 'migrations', outcome: 'block', message: `Undoing migration ${lossy.join(', ')} may lose data written since the deploy. Back up and revert by hand.` };
  }
  if (migrations.length > 0) {
    return { id: 'migrations', outcome: 'warn', message: `${migrations.length} reversible migration(s) after the target (${migrations.map((m) => m.id).join(', ')}): run their down migrations if the old version needs the old schema.` };
  }
  return { id: 'migrations', outcome: 'pass', message: 'No database migrations since the target version.' };
}

export function checkTargetVerification({ target }: SafetyInput): SafetyCheck {
  const v = target.verification;
  if (!v || Object.keys(v).length === 0) {
    return { id: 'target_verification', outcome: 'warn', message: `No verification was recorded for \`${target.version}\`: it ran, but nobody proved it healthy.` };
  }
  const passed = Object.entries(v).filter(([, ok]) => ok === true).map(([name]) => name);
  return { id: 'target_verification', outcome: 'pass', message: `\`${target.version}\` passed its recorded ${passed.join(', ')} checks.` };
}

export function checkDrift({ failed, state, service }: SafetyInput): SafetyCheck {
  const drifted: string[] = [];
  for (const component of state.components) {
    const expected = failed.components[component.name]?.image;
    if (expected !== undefined && !component.images.includes(expected)) {
      drifted.push(`${component.name} runs ${component.images.join(', ') || 'nothing'} (deploy recorded ${expected})`);
    }
  }
  const missing = service.target.deployments.filter((name) => !state.components.some((c) => c.name === name));
  if (missing.length > 0) {
    return { id: 'drift', outcome: 'block', message: `Deployment ${missing.join(', ')} is not in the cluster: check the catalog and the namespace.` };
  }
  if (drifted.length > 0) {
    return { id: 'drift', outcome: 'warn', message: `Drift: what runs is not the failed deploy — ${drifted.join('; ')}. Someone may have changed it already.` };
  }
  return { id: 'drift', outcome: 'pass', message: `The cluster runs exactly the failed deploy \`${failed.version}\`.` };
}

export function checkRolloutInProgress({ state }: SafetyInput): SafetyCheck {
  const moving = state.components.filter((c) => c.rolloutInProgress).map((c) => c.name);
  if (moving.length > 0) {
    return { id: 'rollout_in_progress', outcome: 'warn', message: `A rollout is still in progress on ${moving.join(', ')}: the rollback will supersede it.` };
  }
  return { id: 'rollout_in_progress', outcome: 'pass', message: 'No rollout in progress.' };
}

export function checkActiveRun({ activeRun }: SafetyInput): SafetyCheck {
  if (activeRun) {
    return { id: 'active_run', outcome: 'block', message: `Run ${activeRun.id} (${activeRun.status}) is already active on this service: let it finish or reject it first.` };
  }
  return { id: 'active_run', outcome: 'pass', message: 'No other rollback is active on this service.' };
}

export function checkTargetAvailable({ target, state }: SafetyInput): SafetyCheck {
  const gone: string[] = [];
  for (const component of state.components) {
    const image = target.components[component.name]?.image;
    if (image === undefined) continue;
    if (!component.history.some((h) => h.images.includes(image))) gone.push(`${component.name} (${image})`);
  }
  if (gone.length > 0) {
    return { id: 'target_available', outcome: 'block', message: `The cluster no longer keeps a revision of ${gone.join(', ')}: raise revisionHistoryLimit or redeploy the target through CI.` };
  }
  return { id: 'target_available', outcome: 'pass', message: 'Every component still has a revision running the target image.' };
}
