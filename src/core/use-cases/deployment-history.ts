// The deployment history a plan is chosen from: what CI recorded, or what the cluster remembers.
import type { Deployment } from '../model.js';
import type { Service } from '../service.js';
import { buildVersionHistory, type VersionEntry } from '../version-history.js';
import type { UseCaseDeps } from './deps.js';

const DISCOVERY_TIMEOUT_MS = 15_000;
const RUNS_CONSIDERED = 200;
const DISCOVERED_ID = /^(?<service>[A-Za-z0-9._-]+)@r\d+$/;

const SNAPSHOT_TIMEOUT_MS = 10_000;

/**
 * Records a deployment and keeps only the newest `history.keep` of its service and environment. With a
 * provider, the configuration it runs with is snapshotted into the record (the same record posted
 * again keeps its first snapshot, so a retry is not a conflict); a failed snapshot never loses the record.
 */
export async function recordDeployment(
  deps: Pick<UseCaseDeps, 'store' | 'catalog'> & Partial<Pick<UseCaseDeps, 'provider' | 'logger'>>,
  input: Deployment,
) {
  const service = deps.catalog.services.get(input.service);
  const deployment = service ? await withConfig(deps, service, input) : input;
  const outcome = await deps.store.saveDeployment(deployment);
  if (outcome === 'created' && service) await deps.store.pruneDeployments(service.name, service.environment, service.historyKeep);
  return outcome;
}

async function withConfig(
  deps: Partial<Pick<UseCaseDeps, 'provider' | 'logger' | 'store'>>,
  service: Service,
  deployment: Deployment,
): Promise<Deployment> {
  if (!deps.provider?.snapshotConfig || deployment.config) return deployment;
  const existing = await deps.store?.getDeployment(deployment.id);
  if (existing) return existing.config ? { ...deployment, config: existing.config } : deployment;
  try {
    const config = await deps.provider.snapshotConfig(service, deployment, AbortSignal.timeout(SNAPSHOT_TIMEOUT_MS));
    return config ? { ...deployment, config } : deployment;
  } catch (error) {
    deps.logger?.warn(
      { err: error, service: service.name, deploymentId: deployment.id },
      'the configuration snapshot failed; the deployment is recorded without it',
    );
    return deployment;
  }
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
    // Only the revision running now can be snapshotted (withConfig checks); older ones stay without.
    if ((await deps.store.saveDeployment(await withConfig(deps, service, deployment))) === 'created') saved++;
  }
  if (saved > 0) await deps.store.pruneDeployments(service.name, service.environment, service.historyKeep);
  return saved;
}

/** `deployments` as versions, with what past runs of the service proved (rolled away from, verified). */
export async function versionHistoryOf(deps: Pick<UseCaseDeps, 'store'>, service: Service, deployments: Deployment[]): Promise<VersionEntry[]> {
  return buildVersionHistory(deployments, await deps.store.runOutcomes(service.name, service.environment, RUNS_CONSIDERED));
}
