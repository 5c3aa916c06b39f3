// The deployment history a plan is chosen from: what CI recorded, or what the cluster remembers.
import type { Deployment } from '../model.js';
import type { Service } from '../service.js';
import { buildVersionHistory, type VersionEntry } from '../version-history.js';
import type { UseCaseDeps } from './deps.js';

const DISCOVERY_TIMEOUT_MS = 15_000;
const RUNS_CONSIDERED = 200;
const DISCOVERED_ID = /^(?<service>[A-Za-z0-9._-]+)@r\d+$/;

/** Records a deployment and keeps only the newest `history.keep` of its service and environment. */
export async function recordDeployment(deps: Pick<UseCaseDeps, 'store' | 'catalog'>, deployment: Deployment) {
  const outcome = await deps.store.saveDeployment(deployment);
  const service = deps.catalog.services.get(deployment.service);
  if (outcome === 'created' && service) await deps.store.pruneDeployments(service.name, service.environment, service.historyKeep);
  return outcome;
}

/**
 * Looks a deployment up; for `<service>@r<revision>` ids of a service nobody recorded, first learns
 * the history from the cluster (each ReplicaSet revision is one deployment).
 */
export async function findDeployment(deps: UseCaseDeps, id: string): Promise<Deployment | undefined> {
  const found = await deps.store.getDeployment(id);
  if (found) return found;
  const serviceName = DISCOVERED_ID.exec(id)?.groups?.['service'];
  const service = serviceName ? deps.catalog.services.get(serviceName) : undefined;
  if (!service) return undefined;
  await discoverHistory(deps, service);
  return deps.store.getDeployment(id);
}

/** Saves what the cluster remembers; records already there (same id, same body) are left alone. */
export async function discoverHistory(deps: UseCaseDeps, service: Service): Promise<number> {
  const discovered = await deps.provider.discoverHistory(service, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS));
  let saved = 0;
  for (const deployment of discovered) {
    if ((await deps.store.saveDeployment(deployment)) === 'created') saved++;
  }
  if (saved > 0) await deps.store.pruneDeployments(service.name, service.environment, service.historyKeep);
  return saved;
}

/** `deployments` as versions, with what past runs of the service proved (rolled away from, verified). */
export async function versionHistoryOf(deps: Pick<UseCaseDeps, 'store'>, service: Service, deployments: Deployment[]): Promise<VersionEntry[]> {
  const runs = await deps.store.listRuns({ service: service.name, limit: RUNS_CONSIDERED });
  return buildVersionHistory(deployments, runs.filter((r) => r.plan.environment === service.environment));
}
