// `/smartspec_rollback <service>`: on-call engineers know what is broken, not the deploy id. The
// service's newest deployment (in the environment asked for) is taken as the failed one, and the plan
// says which one it took, so nobody approves a rollback of the wrong deploy.
import { UserError } from '../errors.js';
import type { Deployment, SafetyCheck } from '../model.js';
import type { Catalog, Service } from '../service.js';
import type { UseCaseDeps } from './deps.js';
import { discoverHistory } from './deployment-history.js';

const NEWEST_DEPTH = 20;

/** The catalog entry for a service name, or a UserError listing the services the bot knows. */
export function serviceByName(catalog: Catalog, name: string, environment: string | undefined): Service {
  const matches = [...catalog.services.values()].filter((s) => s.name === name);
  if (matches.length === 0) {
    const known = [...catalog.services.values()].map((s) => `\`${s.name}\` (${s.environment})`).join(', ');
    throw new UserError(`\`${name}\` is neither a subcommand nor a service in the catalog. Known services: ${known}.`, undefined, 'not_found');
  }
  const inEnvironment = environment === undefined ? matches : matches.filter((s) => s.environment === environment);
  const [service] = inEnvironment;
  if (!service) {
    throw new UserError(
      `Service \`${name}\` is not configured for ${environment}; it is for ${matches.map((s) => s.environment).join(', ')}. Nothing was planned.`,
      undefined,
      'not_found',
    );
  }
  if (inEnvironment.length > 1) {
    throw new UserError(
      `Service \`${name}\` runs in ${inEnvironment.map((s) => s.environment).join(', ')}: add \`--environment <env>\` to say which one.`,
    );
  }
  return service;
}

/** The newest deployment of the service that has not already been undone by a rollback. */
export async function newestDeployment(deps: UseCaseDeps, name: string, environment: string | undefined): Promise<Deployment> {
  const service = serviceByName(deps.catalog, name, environment);
  const pick = async () =>
    (await deps.store.listDeployments(service.name, service.environment, NEWEST_DEPTH)).find((d) => d.status !== 'rolled_back');
  let newest = await pick();
  if (!newest) {
    // Nobody recorded deployments: what the cluster remembers (ReplicaSet revisions, Helm history).
    await discoverHistory(deps, service).catch((error: unknown) =>
      deps.logger.warn({ err: error, service: service.name }, 'history discovery failed'),
    );
    newest = await pick();
  }
  if (!newest) {
    throw new UserError(
      `No deployment of ${service.name} (${service.environment}) is recorded or visible in the cluster, so there is nothing to roll back. Record deployments with \`POST /api/v1/deployments\`.`,
      undefined,
      'not_found',
    );
  }
  return newest;
}

/** The first line of the plan when it was opened by service name: which deploy was taken, and how old it is. */
export function newestDeploymentCheck(deployment: Deployment, now: Date): SafetyCheck {
  const what = `newest deployment ${deployment.id}, ${deployment.version}, ${ago(deployment.createdAt, now)}`;
  if (deployment.status === 'succeeded') {
    return {
      id: 'failed_deployment',
      outcome: 'warn',
      message: `Taken as the failed deploy: ${what}. It is recorded as succeeded: make sure it is the deploy that broke.`,
    };
  }
  return { id: 'failed_deployment', outcome: 'pass', message: `Taken as the failed deploy: ${what}.` };
}

export function ago(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}
