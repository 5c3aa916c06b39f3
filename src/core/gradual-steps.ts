// Gradual rollback of a blue-green service: traffic moves to the side that runs the target in steps
// (25 → 50 → 75 → 100 %), each followed by a gate. Pure: decided from the catalog and the observed state.
import type { ComponentState, Deployment, DeployState, GradualSplit, SafetyCheck, StepAction } from './model.js';
import type { GradualSpec, KubernetesTarget, VerificationSpec } from './service.js';

// Estimates shown to people: a shift waits for readiness, then pauses, then checks.
const SHIFT_SECONDS = 45;
const WARM_SECONDS = 45;

type Draft = StepAction & { component: string; description: string; expectedSeconds: number };

export interface GradualOutcome {
  /** Undefined: gradual is not possible here; `checks` say why and the caller falls back. */
  steps?: Draft[];
  checks: SafetyCheck[];
}

/** What each gate checks, in words: readiness always, then the service's own checks that are configured. */
export function gateWords(v: Pick<VerificationSpec, 'http' | 'prometheus'>): string {
  const parts = ['readiness'];
  if (v.http.length > 0) parts.push(`${v.http.length} HTTP check${v.http.length === 1 ? '' : 's'}`);
  if (v.prometheus.length > 0) parts.push(`${v.prometheus.length} Prometheus quer${v.prometheus.length === 1 ? 'y' : 'ies'}`);
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

export function gradualSteps(
  t: KubernetesTarget,
  spec: GradualSpec,
  target: Deployment,
  state: DeployState,
  verification: Pick<VerificationSpec, 'http' | 'prometheus'>,
): GradualOutcome {
  const gate = gateWords(verification);
  const bg = t.blueGreen!;
  const sides = state.components.filter((c) => c.slot !== undefined && t.deployments.includes(c.name));
  const targetImages = Object.values(target.components).map((c) => c.image);
  const to = sides.find((c) => c.images.some((i) => targetImages.includes(i)));
  const from = sides.find((c) => c !== to);
  const fallback = (message: string): GradualOutcome => ({
    checks: [{ id: 'gradual', outcome: 'warn', message: `${message}: gradual rollback is not possible` }],
  });
  if (sides.length !== 2 || !to || !from)
    return fallback(`Neither of the two sides of ${bg.service} (by \`${bg.label}\`) runs the target \`${target.version}\` next to the failed one`);
  if (spec.httpRoute) return routeSteps(spec, spec.httpRoute, from, to, state, gate);
  // By replica ratio: only meaningful when one Service spreads requests over both sides' pods.
  if (state.liveSlot !== undefined) {
    return fallback(
      `Service ${bg.service} selects \`${bg.label}=${state.liveSlot}\` only, so replicas cannot shift its traffic (let it select both sides, or set kubernetes.gradual.httpRoute)`,
    );
  }
  return replicaSteps(spec, from, to, gate);
}

/** Each step sets the two sides' replicas so the target side has `percent` of the pods; the total stays. */
function replicaSteps(spec: GradualSpec, from: ComponentState, to: ComponentState, gate: string): GradualOutcome {
  const total = Math.max(from.desiredReplicas + to.desiredReplicas, 1);
  let previous: GradualSplit = { percent: Math.round((to.desiredReplicas / total) * 100), from: from.desiredReplicas, to: to.desiredReplicas };
  const drafts: Draft[] = [];
  for (const percent of spec.steps.filter((p) => p > previous.percent)) {
    const toReplicas = percent === 100 ? total : Math.min(total, Math.max(previous.to, Math.ceil((total * percent) / 100)));
    const split: GradualSplit = { percent, from: total - toReplicas, to: toReplicas };
    drafts.push({
      kind: 'gradual_shift',
      via: 'replicas',
      percent,
      from: from.name,
      to: to.name,
      replicas: split,
      previous,
      pauseSeconds: spec.pauseSeconds,
      gateSeconds: spec.gateSeconds,
      component: to.name,
      description: `${percent} %: \`${to.name}\` (${to.slot}) to ${split.to} and \`${from.name}\` (${from.slot}) to ${split.from} replicas, then gate on ${gate}${gatePause(spec)}; a failed gate restores ${previous.percent} %.`,
      expectedSeconds: SHIFT_SECONDS + spec.pauseSeconds,
    });
    previous = split;
  }
  const checks: SafetyCheck[] = [
    {
      id: 'gradual',
      outcome: 'pass',
      message: `Traffic moves to ${to.name} by replica ratio (${total} pods behind one Service) in ${drafts.length} gated step(s): ${spec.steps.join(' → ')} %.`,
    },
  ];
  return { steps: drafts, checks };
}

/** Warm the target side to the failed side's size, move the route's weights step by step, then scale the failed side down. */
function routeSteps(
  spec: GradualSpec,
  route: NonNullable<GradualSpec['httpRoute']>,
  from: ComponentState,
  to: ComponentState,
  state: DeployState,
  gate: string,
): GradualOutcome {
  const weights = state.routeWeights;
  const backend = (side: string) => route.backends?.[side] ?? side;
  if (!weights || weights[from.name] === undefined || weights[to.name] === undefined) {
    return {
      checks: [
        {
          id: 'gradual',
          outcome: 'warn',
          message: `HTTPRoute ${route.name} rule ${route.rule} does not send to both \`${backend(from.name)}\` and \`${backend(to.name)}\`: gradual rollback is not possible`,
        },
      ],
    };
  }
  const sum = weights[from.name]! + weights[to.name]!;
  let previous: GradualSplit = {
    percent: sum === 0 ? 0 : Math.round((weights[to.name]! / sum) * 100),
    from: weights[from.name]!,
    to: weights[to.name]!,
  };
  const drafts: Draft[] = [];
  const checks: SafetyCheck[] = [];
  const needed = Math.max(from.desiredReplicas, 1);
  if (to.readyReplicas < needed || to.desiredReplicas < needed) {
    checks.push({
      id: 'capacity',
      outcome: 'warn',
      message: `The target side ${to.name} has ${to.readyReplicas}/${needed} ready replicas: the plan scales it up and waits before moving traffic.`,
    });
    drafts.push({
      kind: 'scale',
      replicas: needed,
      waitReady: true,
      component: to.name,
      description: `Scale \`${to.name}\` (${to.slot}) to ${needed} replicas and wait until all are ready.`,
      expectedSeconds: WARM_SECONDS,
    });
  }
  const routeRef = { name: route.name, rule: route.rule, fromBackend: backend(from.name), toBackend: backend(to.name) };
  for (const percent of spec.steps.filter((p) => p > previous.percent)) {
    const split: GradualSplit = { percent, from: 100 - percent, to: percent };
    drafts.push({
      kind: 'gradual_shift',
      via: 'http_route',
      percent,
      from: from.name,
      to: to.name,
      route: routeRef,
      previous,
      pauseSeconds: spec.pauseSeconds,
      gateSeconds: spec.gateSeconds,
      component: to.name,
      description: `${percent} %: HTTPRoute \`${route.name}\` weights \`${routeRef.toBackend}\` ${split.to} / \`${routeRef.fromBackend}\` ${split.from}, then gate on ${gate}${gatePause(spec)}; a failed gate restores ${previous.percent} %.`,
      expectedSeconds: 2 + spec.pauseSeconds,
    });
    previous = split;
  }
  drafts.push({
    kind: 'scale',
    replicas: 0,
    waitReady: false,
    component: from.name,
    description: `Scale the failed side \`${from.name}\` (${from.slot}) down to 0.`,
    expectedSeconds: 10,
  });
  checks.push({
    id: 'gradual',
    outcome: 'pass',
    message: `Traffic moves to ${to.name} by HTTPRoute ${route.name} weights in gated steps: ${spec.steps.join(' → ')} %.`,
  });
  return { steps: drafts, checks };
}

function gatePause(spec: GradualSpec): string {
  return spec.pauseSeconds > 0 ? ` after ${spec.pauseSeconds} s` : '';
}
