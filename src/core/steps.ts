// The steps of a plan, by target kind and strategy. Pure: decided from the catalog, the two
// deployment records and the observed state; the provider later does exactly these.
import { gradualSteps } from './gradual-steps.js';
import type { Deployment, DeployState, RequestedStrategy, RollbackStrategy, SafetyCheck, Step, StepAction } from './model.js';
import { DEFAULT_GRADUAL, kubernetesComponents, type HelmTarget, type KubernetesTarget, type Service } from './service.js';

// Estimates shown to people; a rollout of a handful of replicas usually settles within these.
const SECONDS = { rolloutUndo: 60, scaleUp: 45, switchTraffic: 2, scaleDown: 10, helm: 120 } as const;

export interface StepPlan {
  strategy: RollbackStrategy;
  steps: Step[];
  /** Checks that only the strategy can make (capacity of the idle side, why instant was not possible). */
  checks: SafetyCheck[];
}

type Draft = StepAction & { component: string; description: string; expectedSeconds: number };

export function planSteps(
  service: Service,
  target: Deployment,
  state: DeployState,
  components: string[] | undefined,
  strategy?: RequestedStrategy,
): StepPlan {
  const t = service.target;
  if (strategy !== undefined && (t.kind !== 'kubernetes' || !t.blueGreen || components)) {
    const why = components ? 'a partial rollback (--component) is not' : `${service.name} is not a blue-green service (kubernetes.blueGreen)`;
    return numbered(
      'full',
      [],
      [
        {
          id: 'strategy',
          outcome: 'block',
          message: `\`--strategy ${strategy}\` moves traffic between two sides, and ${why}: ask again without it.`,
        },
      ],
    );
  }
  if (t.kind === 'helm') {
    const step = helmStep(t, target, state);
    return typeof step === 'string' ? numbered('full', [], [{ id: 'helm_revision', outcome: 'block', message: step }]) : numbered('full', [step], []);
  }
  if (t.kind === 'command') {
    return numbered(
      'full',
      [
        {
          kind: 'command',
          argv: t.rollback,
          component: service.name,
          description: `Run \`${t.rollback.join(' ')}\` with {version}=\`${target.version}\`.`,
          expectedSeconds: t.timeoutSeconds,
        },
      ],
      [],
    );
  }
  if (components) return numbered('partial', undoSteps(t, target, state, components), rolloutChecks(state, components));
  if (t.blueGreen) {
    const gradualSpec = strategy === 'instant' ? undefined : (t.gradual ?? (strategy === 'gradual' ? DEFAULT_GRADUAL : undefined));
    const gradual = gradualSpec ? gradualSteps(t, gradualSpec, target, state, service.verification) : { checks: [] };
    if (gradual.steps) return numbered('gradual', gradual.steps, gradual.checks);
    const instant = blueGreenSteps(t, target, state);
    if (instant.steps) return numbered('instant', instant.steps, [...gradual.checks, ...instant.checks]);
    return numbered('full', undoSteps(t, target, state, t.deployments), [...gradual.checks, ...instant.checks]);
  }
  return numbered('full', undoSteps(t, target, state, kubernetesComponents(t)), rolloutChecks(state, kubernetesComponents(t)));
}

/** What the cluster says about how the rolled-back components will roll out: warnings, before anyone approves. */
function rolloutChecks(state: DeployState, names: string[]): SafetyCheck[] {
  return state.components
    .filter((c) => names.includes(c.name))
    .flatMap((c) => (c.rolloutWarnings ?? []).map((message) => ({ id: `rollout_${c.name}`, outcome: 'warn' as const, message })));
}

function numbered(strategy: RollbackStrategy, drafts: Draft[], checks: SafetyCheck[]): StepPlan {
  return { strategy, steps: drafts.map((d, i) => ({ ...d, index: i + 1 }) as Step), checks };
}

/** One step per component whose target image is known: back to the newest revision running it. */
function undoSteps(t: KubernetesTarget, target: Deployment, state: DeployState, names: string[]): Draft[] {
  const drafts: Draft[] = [];
  for (const component of state.components.filter((c) => names.includes(c.name))) {
    const image = target.components[component.name]?.image;
    if (image === undefined) continue;
    const revision = component.history.find((h) => h.images.includes(image))?.revision;
    const where = revision === undefined ? ' (revision gone: set the recorded image)' : ` (revision ${revision})`;
    const goal = revision === undefined ? { image } : { image, revision };
    const kind = t.workloads?.find((w) => w.name === component.name)?.kind;
    if (kind === 'Rollout') {
      drafts.push(...argoSteps(component.name, component.rolloutInProgress, goal, where));
      continue;
    }
    if (kind === 'StatefulSet' || kind === 'DaemonSet') {
      const action: StepAction = { kind: 'workload_undo', workload: kind, target: goal };
      drafts.push({
        ...action,
        component: component.name,
        description: `Restore ${kind} \`${component.name}\` to \`${image}\`${where} and wait as \`kubectl rollout status\` does (partitions and OnDelete are reported).`,
        expectedSeconds: SECONDS.rolloutUndo,
      });
      continue;
    }
    const action: StepAction = { kind: 'rollout_undo', target: goal };
    drafts.push({
      ...action,
      component: component.name,
      description: `Roll \`${component.name}\` back to \`${image}\`${where} and wait until every replica is ready.`,
      expectedSeconds: SECONDS.rolloutUndo,
    });
  }
  return drafts;
}

/** Argo Rollouts: abort what is in progress (the stable ReplicaSet takes over), then undo to the target. */
function argoSteps(name: string, inProgress: boolean, goal: { image: string; revision?: number }, where: string): Draft[] {
  const drafts: Draft[] = [];
  if (inProgress)
    drafts.push({
      kind: 'argo_abort',
      component: name,
      description: `Abort the update in progress of Rollout \`${name}\`: its stable ReplicaSet takes every replica back.`,
      expectedSeconds: SECONDS.scaleUp,
    });
  drafts.push({
    kind: 'argo_undo',
    target: goal,
    component: name,
    description: `Restore Rollout \`${name}\` to \`${goal.image}\`${where} and wait until it is Healthy.`,
    expectedSeconds: SECONDS.rolloutUndo,
  });
  return drafts;
}

/**
 * The Helm revision to return to: named by a discovered id (`<service>@r<N>`), else the newest
 * revision that ran the target's image (or, failing that, its version) — never the current one,
 * which after a values-only upgrade shares the target's version. No match: a reason, not a guess.
 */
function helmStep(t: HelmTarget, target: Deployment, state: DeployState): Draft | string {
  const release = state.components.find((c) => c.name === t.release);
  if (!release) return `Helm release ${t.release} has no history the bot can read.`;
  const past = release.history.filter((h) => h.revision !== release.revision);
  const named = /@r(\d+)$/.exec(target.id)?.[1];
  const image = target.components[t.release]?.image;
  const revision =
    named !== undefined
      ? past.find((h) => h.revision === Number(named))?.revision
      : ((image ? past.find((h) => h.images.includes(image)) : undefined)?.revision ?? past.find((h) => h.images.includes(target.version))?.revision);
  if (revision === undefined) {
    return `No earlier revision of Helm release ${t.release} ran \`${target.version}\` (current revision ${release.revision ?? '?'}): roll back by hand with \`helm history ${t.release}\`.`;
  }
  return {
    kind: 'helm_rollback',
    release: t.release,
    revision,
    component: t.release,
    description: `\`helm rollback ${t.release} ${revision} --wait\` (back to \`${target.version}\`).`,
    expectedSeconds: SECONDS.helm,
  };
}

/**
 * Instant rollback: the idle side must already run the target image. Warm it to the live side's
 * replica count and wait for readiness before moving traffic (never onto cold or too few pods),
 * switch the Service selector, then scale the failed side to zero.
 */
function blueGreenSteps(t: KubernetesTarget, target: Deployment, state: DeployState): { steps?: Draft[]; checks: SafetyCheck[] } {
  const bg = t.blueGreen!;
  const live = state.components.find((c) => c.slot !== undefined && c.slot === state.liveSlot);
  const idle = state.components.find((c) => c.slot !== undefined && c !== live);
  const targetImages = Object.values(target.components).map((c) => c.image);
  if (!live || !idle || !state.liveSlot || !idle.slot) {
    return {
      checks: [
        {
          id: 'blue_green',
          outcome: 'warn',
          message: `Service ${bg.service} does not select one of two sides by \`${bg.label}\`: instant rollback is not possible, rolling back in place.`,
        },
      ],
    };
  }
  if (!idle.images.some((i) => targetImages.includes(i))) {
    return {
      checks: [
        {
          id: 'blue_green',
          outcome: 'warn',
          message: `The idle side ${idle.name} runs ${idle.images.join(', ')}, not the target: instant rollback is not possible, rolling back in place.`,
        },
      ],
    };
  }
  const needed = Math.max(live.desiredReplicas, 1);
  const drafts: Draft[] = [];
  const checks: SafetyCheck[] = [];
  if (idle.readyReplicas < needed) {
    checks.push({
      id: 'capacity',
      outcome: 'warn',
      message: `The idle side ${idle.name} has ${idle.readyReplicas}/${needed} ready replicas: the plan scales it up and waits before moving traffic.`,
    });
    drafts.push({
      kind: 'scale',
      replicas: needed,
      waitReady: true,
      component: idle.name,
      description: `Scale \`${idle.name}\` (${idle.slot}) to ${needed} replicas and wait until all are ready.`,
      expectedSeconds: SECONDS.scaleUp,
    });
  } else {
    checks.push({
      id: 'capacity',
      outcome: 'pass',
      message: `The idle side ${idle.name} has ${idle.readyReplicas}/${needed} ready replicas: traffic can move at once.`,
    });
  }
  drafts.push({
    kind: 'switch_traffic',
    service: bg.service,
    label: bg.label,
    from: state.liveSlot,
    to: idle.slot,
    component: bg.service,
    description: `Switch Service \`${bg.service}\` from \`${bg.label}=${state.liveSlot}\` to \`${bg.label}=${idle.slot}\`.`,
    expectedSeconds: SECONDS.switchTraffic,
  });
  drafts.push({
    kind: 'scale',
    replicas: 0,
    waitReady: false,
    component: live.name,
    description: `Scale the failed side \`${live.name}\` (${live.slot}) down to 0.`,
    expectedSeconds: SECONDS.scaleDown,
  });
  return { steps: drafts, checks };
}
