// DeployProvider for Kubernetes Deployments. A rollback copies the pod template of the ReplicaSet that
// ran the target image back into the Deployment — what `kubectl rollout undo --to-revision` does,
// since apps/v1 has no rollback endpoint — then watches the rollout to completion.
import { ApiException, PatchStrategy, setHeaderOptions, type V1Deployment, type V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ComponentState, DeployState, Evidence, Run, Step, StepResult, Verification, VerificationCheck } from '../../core/model.js';
import type { Clock, DeployProvider } from '../../core/ports.js';
import type { Service } from '../../core/service.js';
import { KubeClients, type ClusterClients } from './kube-clients.js';
import { collectEvidence } from './pod-evidence.js';
import { ownedReplicaSets } from './replica-set-history.js';
import { revisionOf, rolloutState, templateImages } from './rollout-status.js';
import { waitForRollout } from './rollout-watch.js';

export const RUN_ANNOTATION = 'smartspec.io/rollback-run';
const MAX_CONFLICT_RETRIES = 3;

export class KubernetesProvider implements DeployProvider {
  constructor(private readonly clients: KubeClients, private readonly clock: Clock) {}

  async currentState(service: Service, _signal: AbortSignal): Promise<DeployState> {
    const clients = this.clients.for(service.target.context);
    const components: ComponentState[] = [];
    for (const name of service.target.deployments) {
      let d: V1Deployment;
      try {
        d = await clients.apps.readNamespacedDeployment({ name, namespace: service.target.namespace });
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) continue; // the drift check names what is missing
        throw error;
      }
      const history = (await ownedReplicaSets(clients, d)).flatMap((rs) => {
        const revision = revisionOf(rs);
        return revision === undefined ? [] : [{ revision, images: templateImages(rs) }];
      });
      const revision = revisionOf(d);
      components.push({
        name,
        images: templateImages(d),
        ...(revision === undefined ? {} : { revision }),
        desiredReplicas: d.spec?.replicas ?? 1,
        readyReplicas: d.status?.readyReplicas ?? 0,
        updatedReplicas: d.status?.updatedReplicas ?? 0,
        rolloutInProgress: rolloutState(d).phase === 'progressing',
        history,
      });
    }
    return { components };
  }

  async execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    const startedAt = this.clock.now();
    const clients = this.clients.for(service.target.context);
    const namespace = service.target.namespace;
    await this.applyTemplate(clients, run, step, namespace);
    const outcome = await waitForRollout(clients, namespace, step.component, signal);
    const finishedAt = this.clock.now();
    const elapsed = ((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(1);
    return {
      index: step.index,
      status: outcome.state.phase === 'complete' ? 'done' : 'failed',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      detail: outcome.state.phase === 'complete'
        ? `${step.component} runs ${step.target.image} (revision ${revisionOf(outcome.deployment) ?? '?'}); ${outcome.state.message} after ${elapsed} s`
        : `${step.component}: ${outcome.state.message}`,
    };
  }

  /** Idempotent: a Deployment already patched by this run is left alone (a retried step only waits). */
  private async applyTemplate(clients: ClusterClients, run: Run, step: Step, namespace: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const d = await clients.apps.readNamespacedDeployment({ name: step.component, namespace });
      if (d.metadata?.annotations?.[RUN_ANNOTATION] === run.id && templateImages(d).includes(step.target.image)) return;
      const template = await this.targetTemplate(clients, d, step);
      const patch = {
        metadata: {
          // A precondition: if anyone changed the Deployment since we read it, the API answers 409.
          resourceVersion: d.metadata?.resourceVersion,
          annotations: { [RUN_ANNOTATION]: run.id, 'kubernetes.io/change-cause': `smartspec-rollback ${run.id}: rollback to ${run.plan.toVersion}` },
        },
        // $patch: replace makes the template exactly the old one: a plain strategic merge would keep
        // containers and env vars that only the failed version added.
        spec: { template: { $patch: 'replace', ...template } },
      };
      try {
        await clients.apps.patchNamespacedDeployment({ name: step.component, namespace, body: patch }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
        return;
      } catch (error) {
        if (error instanceof ApiException && error.code === 409 && attempt < MAX_CONFLICT_RETRIES) continue;
        throw error;
      }
    }
  }

  private async targetTemplate(clients: ClusterClients, d: V1Deployment, step: Step): Promise<V1PodTemplateSpec> {
    const replicaSets = await ownedReplicaSets(clients, d);
    const match = replicaSets.find((rs) => revisionOf(rs) === step.target.revision && templateImages(rs).includes(step.target.image))
      ?? replicaSets.find((rs) => templateImages(rs).includes(step.target.image));
    const template = match?.spec?.template;
    if (!template) throw new Error(`no ReplicaSet of ${step.component} runs ${step.target.image} any more; redeploy the target through CI`);
    const labels = { ...(template.metadata?.labels ?? {}) };
    delete labels['pod-template-hash']; // the controller owns this label; copying it back would be wrong
    return { ...template, metadata: { ...template.metadata, labels } };
  }

  async verify(run: Run, service: Service, _signal: AbortSignal): Promise<Verification> {
    const startedAt = this.clock.now();
    const clients = this.clients.for(service.target.context);
    const checks: VerificationCheck[] = [];
    for (const step of run.plan.steps) {
      const t0 = Date.now();
      const d = await clients.apps.readNamespacedDeployment({ name: step.component, namespace: service.target.namespace });
      const state = rolloutState(d);
      const desired = d.spec?.replicas ?? 1;
      const ready = d.status?.readyReplicas ?? 0;
      const onTarget = templateImages(d).includes(step.target.image);
      const ok = state.phase === 'complete' && ready >= desired && onTarget;
      checks.push({
        name: `rollout ${step.component}`,
        phase: ok ? 'passed' : 'failed',
        measured: `${ready}/${desired} ready, revision ${revisionOf(d) ?? '?'}, ${templateImages(d).join(', ')}`,
        threshold: `${desired}/${desired} ready on ${step.target.image}`,
        durationMs: Date.now() - t0,
        detail: onTarget ? state.message : `${step.component} does not run the target image any more: someone changed it`,
      });
    }
    const finishedAt = this.clock.now();
    return { phase: checks.every((c) => c.phase === 'passed') ? 'Succeeded' : 'Failed', checks, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString() };
  }

  async evidence(run: Run, service: Service, failedImages: string[], signal: AbortSignal): Promise<Evidence> {
    return collectEvidence(this.clients.for(service.target.context), service.target.namespace, run.plan.components, failedImages, signal);
  }
}
