// Where each component of a run stands, compared with the two states a run knows: what the plan
// observed before any change ('start') and what the rollback aims for ('target'). Resume and
// cancel read the cluster and say this; images are the measure (replica counts move on their own).
import type { DeployState, Deployment, Run, Step } from '../model.js';
import type { ComponentPlace } from './run-events.js';

/** The images each component should run once rolled back: the undo steps' targets, else the target deployment's record. */
export function targetImages(run: Run, target: Deployment | undefined): Map<string, string[]> {
  const images = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(target?.components ?? {})) images.set(name, [spec.image]);
  for (const step of run.plan.steps) if (isUndo(step)) images.set(step.component, [step.target.image]);
  for (const step of run.plan.steps) if (step.kind === 'switch_traffic') images.set(step.component, [`${step.label}=${step.to}`]);
  return images;
}

export function placeComponents(run: Run, state: DeployState | undefined, targets: Map<string, string[]>): ComponentPlace[] {
  return run.plan.components
    .filter((name) => !offCluster(run, name))
    .map((name) => {
      if (!state) return { component: name, images: [], at: 'unknown' as const };
      const selector = run.plan.steps.find((s): s is SwitchStep => s.kind === 'switch_traffic' && s.component === name);
      if (selector) return placeSelector(selector, state);
      const now = state.components.find((c) => c.name === name);
      if (!now) return { component: name, images: [], at: 'elsewhere' as const };
      const images = [...now.images].sort();
      const observed = run.plan.observed?.find((c) => c.name === name);
      const target = targets.get(name);
      const at =
        target && same(images, target)
          ? ('target' as const)
          : observed && same(images, observed.images)
            ? ('start' as const)
            : ('elsewhere' as const);
      return {
        component: name,
        images,
        at,
        ...(now.revision === undefined ? {} : { revision: now.revision }),
        ...(now.rolloutInProgress ? { rolloutInProgress: true } : {}),
      };
    });
}

type SwitchStep = Extract<Step, { kind: 'switch_traffic' }>;

/** Steps whose effect is outside anything the bot reads back: the database, a rollback command. */
const OFF_CLUSTER: ReadonlySet<Step['kind']> = new Set(['database_backup', 'database_migrate_down', 'command']);

/**
 * A component only off-cluster steps act on ("database", or the service of a command rollback) has no
 * place to compare: left out of the places (it used to read as "gone", which stopped every such run
 * on resume). Whether its step may be run again is judged from the step results instead.
 */
function offCluster(run: Run, name: string): boolean {
  const steps = run.plan.steps.filter((s) => s.component === name);
  return steps.length > 0 && steps.every((s) => OFF_CLUSTER.has(s.kind));
}

/**
 * A blue-green Service is no workload: it is placed by the side its selector points at, written as
 * `label=value` where a workload has its images (without this it read as "gone", and every blue-green
 * run resumed after a kill was interrupted although nobody had moved anything).
 */
function placeSelector(step: SwitchStep, state: DeployState): ComponentPlace {
  const images = state.liveSlot === undefined ? [] : [`${step.label}=${state.liveSlot}`];
  const at = state.liveSlot === step.to ? ('target' as const) : state.liveSlot === step.from ? ('start' as const) : ('elsewhere' as const);
  return { component: step.component, images, at };
}

export type ResumeVerdict = { resumable: true } | { resumable: false; found: string[] };

/**
 * A run may go on when every component is where it left it or at its target: untouched ones at the
 * start or target, ones whose undo step is done at the target. Anything else was moved by someone.
 */
export function judgeResume(run: Run, places: ComponentPlace[], targets: Map<string, string[]>): ResumeVerdict {
  const doneUndo = new Set(
    run.plan.steps
      .filter((s) => (isUndo(s) || s.kind === 'switch_traffic') && run.stepResults.some((r) => r.index === s.index && r.status === 'done'))
      .map((s) => s.component),
  );
  const found: string[] = [];
  for (const place of places) {
    const expected = targets.get(place.component)?.join(', ') ?? 'unknown';
    if (place.at === 'unknown') found.push(`${place.component}: the cluster could not be read`);
    else if (place.at === 'elsewhere')
      found.push(
        place.images.length === 0
          ? `${place.component} is gone`
          : `${place.component} runs ${place.images.join(', ')}: neither what the plan found nor the target (${expected})`,
      );
    else if (place.at === 'start' && doneUndo.has(place.component))
      found.push(`${place.component} is back at ${place.images.join(', ')} although its rollback step was done`);
  }
  // An off-cluster step cut short may or may not have finished, and nothing can tell: it is not run again.
  for (const step of run.plan.steps) {
    const result = run.stepResults.find((r) => r.index === step.index);
    if (OFF_CLUSTER.has(step.kind) && result?.status === 'running') {
      found.push(
        `step ${step.index} (${step.description}) was running when the previous owner stopped; whether it finished cannot be read back, so it is not run again`,
      );
    }
  }
  return found.length === 0 ? { resumable: true } : { resumable: false, found };
}

/** The steps that put a component's template back to a target image, whatever its kind. */
function isUndo(step: Step): step is Extract<Step, { kind: 'rollout_undo' | 'workload_undo' | 'argo_undo' }> {
  return step.kind === 'rollout_undo' || step.kind === 'workload_undo' || step.kind === 'argo_undo';
}

function same(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
