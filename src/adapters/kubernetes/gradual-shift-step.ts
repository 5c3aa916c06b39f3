// One step of a gradual rollback: move traffic to `percent` on the target side, then gate on readiness,
// the service's HTTP checks and its Prometheus queries. A failed gate puts the previous split back
// and fails the step, naming the step and the check, so the run stops there.
import { deadlineSignal } from '../../core/deadline-signal.js';
import type { InstantQuerier } from '../../core/detection.js';
import type { GradualSplit, Step, VerificationCheck } from '../../core/model.js';
import type { VerificationSpec } from '../../core/service.js';
import { abortableSleep } from '../abortable-sleep.js';
import { runHttpCheck } from '../health/http-check.js';
import { runPrometheusCheck } from '../health/prometheus-check.js';
import { readBackendWeights, setRouteWeights } from './http-route.js';
import type { ClusterClients } from './kube-clients.js';
import { describeKubeError, withRetry } from './kube-retry.js';
import { waitForRollout } from './rollout-watch.js';
import { scaleDeployment } from './scale-and-switch-steps.js';

export type GradualStep = Extract<Step, { kind: 'gradual_shift' }>;

export async function executeGradualStep(
  clients: ClusterClients,
  step: GradualStep,
  namespace: string,
  verification: VerificationSpec,
  signal: AbortSignal,
  prometheus?: InstantQuerier,
): Promise<{ ok: boolean; detail: string }> {
  const target: GradualSplit = step.via === 'replicas' ? step.replicas! : { percent: step.percent, from: 100 - step.percent, to: step.percent };
  let moved: string | undefined;
  try {
    moved = await applySplit(clients, step, namespace, target, signal);
  } catch (error) {
    moved = describeKubeError(error);
  }
  if (moved) {
    const restored = await restore(clients, step, namespace, `${step.percent} %: ${moved}`);
    return { ok: false, detail: restored };
  }
  if (step.pauseSeconds > 0) await abortableSleep(step.pauseSeconds * 1000, signal);
  const failed = await gate(clients, step, namespace, verification, deadlineSignal(step.gateSeconds * 1000, signal), prometheus);
  if (failed) return { ok: false, detail: await restore(clients, step, namespace, `the gate at ${step.percent} % failed: ${failed}`) };
  return { ok: true, detail: `${step.percent} % of traffic on ${step.to} (${describe(step, target)}); gate passed` };
}

export async function dryRunGradualStep(clients: ClusterClients, step: GradualStep, namespace: string, signal: AbortSignal): Promise<void> {
  if (step.via === 'http_route') {
    await setRouteWeights(
      clients,
      namespace,
      step.route!.name,
      step.route!.rule,
      weights(step, { percent: step.percent, from: 100 - step.percent, to: step.percent }),
      signal,
      true,
    );
    return;
  }
  await scaleDeployment(
    clients,
    { ...step, kind: 'scale', component: step.to, replicas: step.replicas!.to, waitReady: false },
    namespace,
    signal,
    true,
  );
  await scaleDeployment(
    clients,
    { ...step, kind: 'scale', component: step.from, replicas: step.replicas!.from, waitReady: false },
    namespace,
    signal,
    true,
  );
}

/** The last step (100 %) is what the rollback promised: all traffic on the target side. */
export async function verifyGradualStep(
  clients: ClusterClients,
  step: GradualStep,
  namespace: string,
  signal: AbortSignal,
): Promise<Omit<VerificationCheck, 'durationMs'> | undefined> {
  if (step.percent !== 100) return undefined;
  if (step.via === 'http_route') {
    const now = await readBackendWeights(clients, namespace, step.route!.name, step.route!.rule, signal);
    const to = now[step.route!.toBackend] ?? 0;
    const from = now[step.route!.fromBackend] ?? 0;
    const ok = to > 0 && from === 0;
    return {
      name: `traffic ${step.route!.name}`,
      phase: ok ? 'passed' : 'failed',
      measured: `${step.route!.toBackend} ${to} / ${step.route!.fromBackend} ${from}`,
      threshold: `${step.route!.toBackend} 100 / ${step.route!.fromBackend} 0`,
      detail: ok
        ? `HTTPRoute ${step.route!.name} sends every request to ${step.route!.toBackend}`
        : `HTTPRoute ${step.route!.name} was changed after the shift`,
    };
  }
  const to = await withRetry(() => clients.apps.readNamespacedDeployment({ name: step.to, namespace }), signal);
  const from = await withRetry(() => clients.apps.readNamespacedDeployment({ name: step.from, namespace }), signal);
  const ready = to.status?.readyReplicas ?? 0;
  const fromDesired = from.spec?.replicas ?? 1;
  const ok = ready >= step.replicas!.to && fromDesired === 0;
  return {
    name: `traffic ${step.to}`,
    phase: ok ? 'passed' : 'failed',
    measured: `${step.to} ${ready} ready / ${step.from} ${fromDesired} desired`,
    threshold: `${step.to} ${step.replicas!.to} ready / ${step.from} 0`,
    detail: ok ? `every pod behind the Service is ${step.to}` : `${step.from} was scaled up again, or ${step.to} lost replicas`,
  };
}

/** Moves to `split`; a message when it could not (the caller restores), undefined when done. */
async function applySplit(
  clients: ClusterClients,
  step: GradualStep,
  namespace: string,
  split: GradualSplit,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (step.via === 'http_route') {
    await setRouteWeights(clients, namespace, step.route!.name, step.route!.rule, weights(step, split), signal);
    return undefined;
  }
  // The target side grows first and is waited for, so capacity never drops while shifting; the failed
  // side is only scaled, never waited for (it is what is broken). A restore shrinks the target side last.
  const current = await withRetry(() => clients.apps.readNamespacedDeployment({ name: step.to, namespace }), signal);
  const growing = (current.spec?.replicas ?? 0) <= split.to;
  if (growing) {
    await scale(clients, step.to, split.to, namespace, signal);
    const outcome = await waitForRollout(clients, namespace, step.to, signal);
    if (outcome.state.phase !== 'complete') return `${step.to} did not become ready at ${split.to} replica(s): ${outcome.state.message}`;
    await scale(clients, step.from, split.from, namespace, signal);
    return undefined;
  }
  await scale(clients, step.from, split.from, namespace, signal);
  await scale(clients, step.to, split.to, namespace, signal);
  return undefined;
}

function scale(clients: ClusterClients, name: string, replicas: number, namespace: string, signal: AbortSignal): Promise<void> {
  return scaleDeployment(
    clients,
    { kind: 'scale', component: name, replicas, waitReady: false, index: 0, description: '', expectedSeconds: 0 },
    namespace,
    signal,
  );
}

/**
 * Readiness of the side traffic moves to (the failed side's is why we roll back, so it is not
 * gated on), then the HTTP checks and the Prometheus queries; the first failure's words, or undefined.
 */
async function gate(
  clients: ClusterClients,
  step: GradualStep,
  namespace: string,
  verification: VerificationSpec,
  signal: AbortSignal,
  prometheus: InstantQuerier | undefined,
): Promise<string | undefined> {
  const d = await withRetry(() => clients.apps.readNamespacedDeployment({ name: step.to, namespace }), signal);
  const desired = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  if (ready < desired) return `readiness: ${step.to} has ${ready}/${desired} ready replicas`;
  const checks = await Promise.all([
    ...verification.http.map((h) => runHttpCheck(h, signal)),
    ...verification.prometheus.map((p) => runPrometheusCheck(p, signal, prometheus)),
  ]);
  const bad = checks.find((c) => c.phase === 'failed');
  return bad ? `${bad.name}: ${bad.detail}` : undefined;
}

/** Puts the previous split back (with a fresh signal: the step's own may be what ran out) and says so. */
async function restore(clients: ClusterClients, step: GradualStep, namespace: string, why: string): Promise<string> {
  const signal = AbortSignal.timeout(120_000);
  try {
    const problem = await applySplit(clients, step, namespace, step.previous, signal);
    return `${why}; traffic restored to ${step.previous.percent} % (${describe(step, step.previous)})${problem ? `, but ${problem}` : ''}`;
  } catch (error) {
    return `${why}; restoring ${step.previous.percent} % failed too: ${describeKubeError(error)}`;
  }
}

/** The backends' weights of a split: a restore puts back the route's own numbers, not a percentage of them. */
function weights(step: GradualStep, split: GradualSplit): Record<string, number> {
  return { [step.route!.toBackend]: split.to, [step.route!.fromBackend]: split.from };
}

function describe(step: GradualStep, split: GradualSplit): string {
  return step.via === 'http_route'
    ? `weights ${step.route!.toBackend} ${split.to} / ${step.route!.fromBackend} ${split.from}`
    : `${step.to} ${split.to} / ${step.from} ${split.from} replicas`;
}
