// Pre-rollback checks. Each says pass, warn or block in one line an on-call engineer can act on.
import type { Deployment, DeployState, Run, SafetyCheck } from './model.js';
import { componentsOf, type Service } from './service.js';

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
    checkDrift(input),
    checkRolloutInProgress(input),
    checkActiveRun(input),
    checkTargetAvailable(input),
    checkCapacity(input),
    checkGitOps(input),
    checkPendingRelease(input),
  ].filter((c): c is SafetyCheck => c !== undefined);
}

export function checkMigrations({ undone, service }: SafetyInput): SafetyCheck {
  const migrations = undone.flatMap((d) => d.migrations);
  const irreversible = migrations.filter((m) => !m.reversible).map((m) => m.id);
  if (irreversible.length > 0) {
    return {
      id: 'migrations',
      outcome: 'block',
      message: `Migration ${irreversible.join(', ')} has no down migration: roll the schema back by hand first, or roll forward.`,
    };
  }
  const destructive = migrations.filter((m) => m.destructive).map((m) => m.id);
  if (destructive.length > 0) {
    return {
      id: 'migrations',
      outcome: 'block',
      message: `Migration ${destructive.join(', ')} is destructive: the old version may not run on the new schema. Roll forward instead.`,
    };
  }
  const lossy = migrations.filter((m) => m.mayLoseData).map((m) => m.id);
  if (lossy.length > 0) {
    // preserveDataMigrations: false is the service owner saying this data may be lost in a rollback.
    return service.preserveDataMigrations
      ? {
          id: 'migrations',
          outcome: 'block',
          message: `Undoing migration ${lossy.join(', ')} may lose data written since the deploy. Back up and revert by hand.`,
        }
      : {
          id: 'migrations',
          outcome: 'warn',
          message: `Undoing migration ${lossy.join(', ')} may lose data written since the deploy (allowed: preserveDataMigrations is false). Back up first.`,
        };
  }
  if (migrations.length > 0) {
    return {
      id: 'migrations',
      outcome: 'warn',
      message: `${migrations.length} reversible migration(s) after the target (${migrations.map((m) => m.id).join(', ')}): run their down migrations if the old version needs the old schema.`,
    };
  }
  return { id: 'migrations', outcome: 'pass', message: 'No database migrations since the target version.' };
}

export function checkDrift({ failed, state, service }: SafetyInput): SafetyCheck {
  if (service.target.kind === 'command') {
    // A rollback script's world is invisible to the bot: say so rather than claim a pass or block.
    return {
      id: 'drift_unchecked',
      outcome: 'warn',
      message: 'The bot cannot see what a command-deployed service runs: drift was not checked. Confirm the live version before approving.',
    };
  }
  const drifted: string[] = [];
  for (const component of state.components) {
    const expected = failed.components[component.name]?.image;
    if (expected !== undefined && !component.images.includes(expected)) {
      drifted.push(`${component.name} runs ${component.images.join(', ') || 'nothing'} (deploy recorded ${expected})`);
    }
  }
  const missing = componentsOf(service).filter((name) => !state.components.some((c) => c.name === name));
  if (missing.length > 0) {
    return { id: 'drift', outcome: 'block', message: `Deployment ${missing.join(', ')} is not in the cluster: check the catalog and the namespace.` };
  }
  if (drifted.length > 0) {
    return {
      id: 'drift',
      outcome: 'warn',
      message: `Drift: what runs is not the failed deploy — ${drifted.join('; ')}. Someone may have changed it already.`,
    };
  }
  return { id: 'drift', outcome: 'pass', message: `The cluster runs exactly the failed deploy \`${failed.version}\`.` };
}

/**
 * The failed deploy's own rollout hanging (pods crash-looping) is the usual reason to roll back: a
 * warning. A rollout of anything else means someone is deploying right now: a blocker `--force` may override.
 */
export function checkRolloutInProgress({ state, failed }: SafetyInput): SafetyCheck {
  const moving = state.components.filter((c) => c.rolloutInProgress);
  const foreign = moving.filter((c) => {
    const expected = failed.components[c.name]?.image;
    return expected !== undefined && !c.images.includes(expected);
  });
  if (foreign.length > 0) {
    return {
      id: 'rollout_in_progress',
      outcome: 'block',
      overridable: true,
      message: `A rollout of something other than the failed deploy is in progress on ${foreign.map((c) => `${c.name} (${c.images.join(', ')})`).join(', ')}: someone is deploying now. Let it finish and plan again, or add \`--force\` and a \`--reason\`.`,
    };
  }
  if (moving.length > 0) {
    return {
      id: 'rollout_in_progress',
      outcome: 'warn',
      message: `The failed deploy's rollout is still in progress on ${moving.map((c) => c.name).join(', ')}: the rollback will supersede it.`,
    };
  }
  return { id: 'rollout_in_progress', outcome: 'pass', message: 'No rollout in progress.' };
}

export function checkActiveRun({ activeRun }: SafetyInput): SafetyCheck {
  if (activeRun) {
    return {
      id: 'active_run',
      outcome: 'block',
      message: `Run ${activeRun.id} (${activeRun.status}) is already active on this service: let it finish or reject it first.`,
    };
  }
  return { id: 'active_run', outcome: 'pass', message: 'No other rollback is active on this service.' };
}

export function checkTargetAvailable({ target, state, service }: SafetyInput): SafetyCheck | undefined {
  if (service.target.kind !== 'kubernetes') return undefined;
  const gone: string[] = [];
  for (const component of state.components) {
    const image = target.components[component.name]?.image;
    if (image === undefined) continue;
    if (!component.history.some((h) => h.images.includes(image))) gone.push(`${component.name} (${image})`);
  }
  if (gone.length > 0) {
    return {
      id: 'target_available',
      outcome: 'warn',
      message: `The cluster no longer keeps the revision of ${gone.join(', ')}: only the recorded image is set back; environment and config stay as they are now.`,
    };
  }
  return { id: 'target_available', outcome: 'pass', message: 'Every component still has a revision running the target image.' };
}

/** Fewer replicas than the target ran is a warning; under half of them, the old version may not carry the load: a blocker. */
export function checkCapacity({ target, state, service }: SafetyInput): SafetyCheck | undefined {
  const short = state.components.flatMap((c) => {
    const wanted = target.components[c.name]?.replicas;
    return wanted !== undefined && c.desiredReplicas < wanted
      ? [{ c, wanted, text: `${c.name} runs ${c.desiredReplicas} replica(s), the target ran with ${wanted}` }]
      : [];
  });
  // Blue-green: the plan itself warms the idle side to full size before moving traffic (steps.ts).
  const warmsItself = service.target.kind === 'kubernetes' && service.target.blueGreen !== undefined;
  const severe = warmsItself ? [] : short.filter((s) => s.c.desiredReplicas * 2 < s.wanted);
  if (severe.length > 0) {
    return {
      id: 'capacity',
      outcome: 'block',
      overridable: true,
      message: `Capacity: ${severe.map((s) => s.text).join('; ')}, less than half. Scale up first and plan again, or add \`--force\` and a \`--reason\`.`,
    };
  }
  // Blue-green sides are sized by the strategy's own steps, not kept as they are: say that instead.
  if (short.length > 0 && warmsItself) {
    return {
      id: 'capacity',
      outcome: 'warn',
      message: `Capacity: ${short.map((s) => s.text).join('; ')}. The plan scales the side that takes the traffic up before moving it.`,
    };
  }
  if (short.length > 0) {
    return {
      id: 'capacity',
      outcome: 'warn',
      message: `Capacity: ${short.map((s) => s.text).join('; ')}. The rollback keeps today's replica count: scale up if the old version needs more.`,
    };
  }
  return undefined;
}

export function checkGitOps({ state }: SafetyInput): SafetyCheck | undefined {
  const managed = state.components.filter((c) => c.gitOps);
  if (managed.length === 0) return undefined;
  const names = managed.map((c) => `${c.name} (${c.gitOps!.tool} app ${c.gitOps!.app})`).join(', ');
  // Git would quietly undo the rollback: a blocker, until someone who suspended auto-sync says so with --force.
  return {
    id: 'gitops',
    outcome: 'block',
    overridable: true,
    message: `${names} is managed by GitOps: with auto-sync on, Git will undo this rollback. Suspend auto-sync (or revert the change in Git instead), then add \`--force\` and a \`--reason\`.`,
  };
}

export function checkPendingRelease({ state }: SafetyInput): SafetyCheck | undefined {
  const stuck = state.components.filter((c) => c.pendingOperation);
  if (stuck.length === 0) return undefined;
  return {
    id: 'helm_pending',
    outcome: 'block',
    message: `Release ${stuck.map((c) => `${c.name} is stuck in ${c.pendingOperation}`).join(', ')}: another Helm operation holds it. If nothing is running, \`helm rollback\` to the last deployed revision by hand, or delete the stuck release secret.`,
  };
}
