// The core talks to one DeployProvider; the catalog says per service which system deploys it.
// Every call goes to the provider of `service.target.kind`, so one bot serves all three kinds.
import type { ConfigSnapshot, Deployment, DeployState, Evidence, Run, Step, StepResult, Verification } from '../core/model.js';
import type { AccessCheck, DeployProvider } from '../core/ports.js';
import type { DeployTarget, Service } from '../core/service.js';
import { isDatabaseStep } from '../core/database-steps.js';

export type ProvidersByKind = Record<DeployTarget['kind'], DeployProvider>;

/** Database steps (backup, down migrations) run the same way whatever deploys the service. */
export interface DatabaseSteps {
  execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult>;
  dryRun(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult>;
}

/** Answers "may the bot do what these steps need?" for one kind of service (Kubernetes: access reviews). */
export interface AccessReviewer {
  checkAccess(service: Service, steps: Step[], signal: AbortSignal): Promise<AccessCheck[] | undefined>;
}

export class ProviderRouter implements DeployProvider {
  constructor(
    private readonly providers: ProvidersByKind,
    private readonly database?: DatabaseSteps,
    private readonly access?: AccessReviewer,
  ) {}

  /** The provider a service's catalog entry selects. */
  for(service: Service): DeployProvider {
    return this.providers[service.target.kind];
  }

  /** The service's provider for one execution (database steps keep their runner). */
  forExecution(service: Service): DeployProvider {
    const execution = this.for(service).forExecution?.(service);
    return execution ? new ProviderRouter({ ...this.providers, [service.target.kind]: execution }, this.database, this.access) : this;
  }

  currentState(service: Service, signal: AbortSignal): Promise<DeployState> {
    return this.for(service).currentState(service, signal);
  }

  execute(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    if (isDatabaseStep(step)) return this.databaseSteps(step).execute(run, step, service, signal);
    return this.for(service).execute(run, step, service, signal);
  }

  dryRun(run: Run, step: Step, service: Service, signal: AbortSignal): Promise<StepResult> {
    if (isDatabaseStep(step)) return this.databaseSteps(step).dryRun(run, step, service, signal);
    return this.for(service).dryRun(run, step, service, signal);
  }

  /** Database steps run local commands: only the application's provider has permissions to ask about. */
  async checkAccess(service: Service, steps: Step[], signal: AbortSignal): Promise<AccessCheck[] | undefined> {
    const application = steps.filter((s) => !isDatabaseStep(s));
    const provider = this.for(service);
    if (provider.checkAccess) return provider.checkAccess(service, application, signal);
    return this.access?.checkAccess(service, application, signal);
  }

  private databaseSteps(step: Step): DatabaseSteps {
    if (!this.database) throw new Error(`step ${step.index} is a database step, and this bot has no database step runner`);
    return this.database;
  }

  async snapshotConfig(service: Service, deployment: Deployment, signal: AbortSignal): Promise<ConfigSnapshot | undefined> {
    return this.for(service).snapshotConfig?.(service, deployment, signal);
  }

  discoverHistory(service: Service, signal: AbortSignal): Promise<Deployment[]> {
    return this.for(service).discoverHistory(service, signal);
  }

  verify(run: Run, service: Service, signal: AbortSignal): Promise<Verification> {
    return this.for(service).verify(run, service, signal);
  }

  evidence(run: Run, service: Service, failedImages: string[], signal: AbortSignal): Promise<Evidence> {
    return this.for(service).evidence(run, service, failedImages, signal);
  }
}
