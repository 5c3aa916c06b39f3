// DeployProvider for services deployed as Kubernetes Deployments: full, partial and blue-green
// rollbacks, each step watched to completion, server-side dry runs, history discovery.
import type { InstantQuerier } from '../../core/detection.js';
import type { ConfigSnapshot, Deployment, DeployState, Evidence, Run, Step, StepResult, Verification } from '../../core/model.js';
import type { Clock, DeployProvider } from '../../core/ports.js';
import type { KubernetesTarget, Service } from '../../core/service.js';
import { restoreConfigMap } from './config-restore-step.js';
import { readConfigState, snapshotConfig } from './config-state.js';
import { dryRunGradualStep, executeGradualStep } from './gradual-shift-step.js';
import { discoverDeployments } from './history-discovery.js';
import { readRouteWeights } from './http-route.js';
import { type DeploymentReads, directReads, SharedReads } from './execution-reads.js';
import type { ClusterClients, KubeClients } from './kube-clients.js';
import { describeKubeError } from './kube-retry.js';
import { readServiceState } from './kubernetes-state.js';
import { verifySteps } from './kubernetes-verify.js';
import { collectEvidence, evidenceTargets } from './pod-evidence.js';
import { revisionOf } from './rollout-status.js';
import { waitForRollout } from './rollout-watch.js';
import { applyRollbackTemplate } from './rollout-undo-step.js';
import { scaleDeployment, switchTraffic } from './scale-and-switch-steps.js';
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, dryRunWorkloadStep, executeWorkloadStep, isWorkloadStep } from './workload-steps.js';

export class KubernetesProvider implements DeployProvider {
  constructor(
    private readonly clients: KubeClients,
    private readonly clock: Clock,
    /** Set in a provider made by forExecution: the reads that execution shares until its first write. */
    private readonly shared?: SharedReads,
    /** The Prometheus querier (with the peers' credentials) that gradual steps gate on. */
    private readonly prometheus?: InstantQuerier,
  ) {}

  /**
   * A provider for one execution of `service`: its drift re-read, the evidence of the failed pods and its
   * first write share one read of each Deployment and its ReplicaSets (execution-reads.ts says why that
   * is safe); every read after the first write goes to the API server again.
   */
  forExecution(service: Service): DeployProvider {
    return new KubernetesProvider(this.clients, this.clock, new SharedReads(this.clients.for(kubernetesTarget(service).context)), this.prometheus);
  }

  async currentState(service: Service, signal: AbortSignal): Promise<DeployState> {
    const target = kubernetesTarget(service);
    const clients = this.clients.for(target.context);
    const state = await untilAborted(readServiceState(clients, target, this.readsFor(clients)), signal);
    const route = target.gradual?.httpRoute;
    if (route) state.routeWeights = await untilAborted(readRouteWeights(clients, target.namespace, route, target.deployments, signal), signal);
    if (target.configSnapshot) state.config = await untilAborted(readConfigState(clients, target, signal), signal);
    return state;
  }

  async snapshotConfig(service: Service, deployment: Deployment, signal: AbortSignal): Promise<ConfigSnapshot | undefined> {
    const target = kubernetesTarget(service);
    if (!target.configSnapshot) return undefined;
    return untilAborted(
      snapshotConfig(this.clients.for(target.context), target, deployment, target.configSnapshot.maxBytes, this.clock.now(), signal),
      signal,
    );
  }

  async execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    const target = kubernetesTarget(service);
    const clients = this.clients.for(target.context);
    const startedAt = this.clock.now();
    const finish = (ok: boolean, detail: string): StepResult => ({
      index: step.index,
      status: ok ? 'done' : 'failed',
      startedAt: startedAt.toISOString(),
      finishedAt: this.clock.now().toISOString(),
      detail,
    });
    const elapsed = () => ((this.clock.now().getTime() - startedAt.getTime()) / 1000).toFixed(1);
    // Only a Deployment's PATCH reuses what was read (take); any other first write just ends the sharing.
    if (step.kind !== 'rollout_undo') this.shared?.close();
    try {
      switch (step.kind) {
        case 'rollout_undo': {
          const read = await this.shared?.take(target.namespace, step.component);
          await applyRollbackTemplate(clients, run, step, target.namespace, signal, false, read);
          const outcome = await waitForRollout(clients, target.namespace, step.component, signal);
          return outcome.state.phase === 'complete'
            ? finish(
                true,
                `${step.component} runs ${step.target.image} (revision ${revisionOf(outcome.deployment) ?? '?'}); ${outcome.state.message} after ${elapsed()} s`,
              )
            : finish(false, `${step.component}: ${outcome.state.message}`);
        }
        case 'scale': {
          await scaleDeployment(clients, step, target.namespace, signal);
          if (!step.waitReady) return finish(true, `${step.component} scaled to ${step.replicas}`);
          const outcome = await waitForRollout(clients, target.namespace, step.component, signal);
          return outcome.state.phase === 'complete'
            ? finish(true, `${step.component} scaled to ${step.replicas}; ${outcome.state.message} after ${elapsed()} s`)
            : finish(false, `${step.component} did not become ready: ${outcome.state.message}`);
        }
        case 'gradual_shift': {
          const outcome = await executeGradualStep(clients, step, target.namespace, service.verification, signal, this.prometheus);
          return finish(outcome.ok, outcome.ok ? `${outcome.detail} after ${elapsed()} s` : outcome.detail);
        }
        case 'config_restore': {
          const outcome = await restoreConfigMap(clients, step, target.namespace, signal);
          return finish(outcome.ok, outcome.detail);
        }
        case 'switch_traffic': {
          const result = await switchTraffic(clients, step, target.namespace, signal);
          return finish(
            true,
            result === 'already'
              ? `Service ${step.service} already selected ${step.label}=${step.to}`
              : `Service ${step.service} now selects ${step.label}=${step.to}`,
          );
        }
        default:
          if (isWorkloadStep(step)) {
            const outcome = await executeWorkloadStep(
              clients,
              run,
              step,
              target.namespace,
              target.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
              signal,
            );
            return finish(outcome.ok, outcome.ok ? `${outcome.detail} after ${elapsed()} s` : outcome.detail);
          }
          return finish(false, `a ${step.kind} step cannot run on a Kubernetes service`);
      }
    } catch (error) {
      return finish(false, describeKubeError(error));
    }
  }

  async dryRun(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    const target = kubernetesTarget(service);
    const clients = this.clients.for(target.context);
    const at = this.clock.now().toISOString();
    const result = (ok: boolean, detail: string): StepResult => ({
      index: step.index,
      status: ok ? 'done' : 'failed',
      startedAt: at,
      finishedAt: this.clock.now().toISOString(),
      detail,
    });
    try {
      if (step.kind === 'rollout_undo') await applyRollbackTemplate(clients, run, step, target.namespace, signal, true);
      else if (step.kind === 'scale') await scaleDeployment(clients, step, target.namespace, signal, true);
      else if (step.kind === 'switch_traffic') await switchTraffic(clients, step, target.namespace, signal, true);
      else if (step.kind === 'gradual_shift') await dryRunGradualStep(clients, step, target.namespace, signal);
      else if (step.kind === 'config_restore') {
        const outcome = await restoreConfigMap(clients, step, target.namespace, signal, true);
        if (!outcome.ok) return result(false, outcome.detail);
      } else if (isWorkloadStep(step)) await dryRunWorkloadStep(clients, run, step, target.namespace, signal);
      else return result(false, `a ${step.kind} step cannot run on a Kubernetes service`);
      return result(true, 'the API server accepted this write (dryRun=All); nothing was changed');
    } catch (error) {
      return result(false, `the API server would refuse this write: ${describeKubeError(error)}`);
    }
  }

  async verify(run: Run, service: Service, signal: AbortSignal): Promise<Verification> {
    const target = kubernetesTarget(service);
    const startedAt = this.clock.now().toISOString();
    const checks = await verifySteps(this.clients.for(target.context), run, target, signal);
    return {
      phase: checks.every((c) => c.phase !== 'failed') ? 'Succeeded' : 'Failed',
      checks,
      startedAt,
      finishedAt: this.clock.now().toISOString(),
    };
  }

  async evidence(run: Run, service: Service, failedImages: string[], signal: AbortSignal): Promise<Evidence> {
    const target = kubernetesTarget(service);
    // A gradual step names the side traffic moves to; the failed pods are on the side it moves from.
    const shiftedFrom = run.plan.steps.flatMap((s) => (s.kind === 'gradual_shift' ? [s.from] : []));
    const deployments = [...new Set([...run.plan.components, ...shiftedFrom])].filter((c) => target.deployments.includes(c));
    const workloads = (target.workloads ?? []).filter((w) => run.plan.components.includes(w.name));
    const all = deployments.length + workloads.length === 0;
    return untilAborted(
      collectEvidence(
        this.clients.for(target.context),
        target.namespace,
        all ? target.deployments : deployments,
        failedImages,
        signal,
        evidenceTargets(run),
        all ? target.workloads : workloads,
        this.readsFor(this.clients.for(target.context)),
      ),
      signal,
    );
  }

  /** The shared reads while this execution has not written yet; direct reads otherwise (or outside an execution). */
  private readsFor(clients: ClusterClients): DeploymentReads {
    return this.shared?.clients === clients ? this.shared : directReads(clients);
  }

  async discoverHistory(service: Service, signal: AbortSignal): Promise<Deployment[]> {
    const target = kubernetesTarget(service);
    return discoverDeployments(this.clients.for(target.context), service, target, signal);
  }
}

/**
 * The client's reads take no AbortSignal: an API server that accepts and never answers would hold the
 * caller forever. Give up when the signal fires (the read itself ends with its socket).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('the Kubernetes API did not answer in time'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('the Kubernetes API did not answer in time'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function kubernetesTarget(service: Service): KubernetesTarget {
  if (service.target.kind !== 'kubernetes') throw new Error(`service ${service.name} is not deployed with Kubernetes`);
  return service.target;
}
