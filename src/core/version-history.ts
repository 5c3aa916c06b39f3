// One history per version. A version is what ran (its images), whichever source told the bot about
// it: a deployment CI recorded and a ReplicaSet revision the cluster remembers, with the same images,
// are one version, and what was recorded wins. Bad versions are remembered by version, not by id.
import type { Deployment, Run, RunStatus } from './model.js';

/**
 * What one past run proves about versions: the few facts the history reads. Stores answer these
 * directly (Store.runOutcomes), so planning does not decode hundreds of whole runs.
 */
export interface RunOutcome {
  id: string;
  status: RunStatus;
  updatedAt: string;
  failedDeploymentId: string;
  targetDeploymentId: string;
  /** Not a dry run, and at least one step done: the service moved away from its failed version. */
  changedSomething: boolean;
  /** Verification Succeeded with at least one check passed. */
  checkedSomething: boolean;
}

export function outcomeOf(run: Run): RunOutcome {
  return {
    id: run.id,
    status: run.status,
    updatedAt: run.updatedAt,
    failedDeploymentId: run.plan.failedDeploymentId,
    targetDeploymentId: run.plan.targetDeploymentId,
    changedSomething: !run.plan.dryRun && run.stepResults.some((s) => s.status === 'done'),
    checkedSomething: run.verification?.phase === 'Succeeded' && run.verification.checks.some((c) => c.phase === 'passed'),
  };
}

/** healthy: something proved it ran well · failed: a record says it did not · unverified: nothing says either. */
export type VersionHealth = 'healthy' | 'failed' | 'unverified';

export interface VersionEntry {
  /** The recorded version name when any record has these images, else the discovered one. */
  version: string;
  /** Every deployment of this version, newest first. */
  deployments: Deployment[];
  /** What a plan names: the newest recorded deployment, else the newest discovered one. */
  representative: Deployment;
  /** When this version first ran (recorded times win over the cluster's). */
  firstSeenAt: string;
  /** When it last went out (recorded times win over the cluster's). */
  lastSeenAt: string;
  health: VersionHealth;
  /** Why it counts as healthy, e.g. "deploy-200 succeeded and passed smoke, acceptance". */
  healthyBecause?: string;
  /** Healthy, and checks proved it (recorded verification, or a run's passed checks), not only "the deploy finished". */
  checked: boolean;
  /** Why it must never be chosen automatically: it failed, or a run rolled away from it. Empty when clean. */
  suspicion: string[];
  /** Its only records say the deploy never finished. */
  neverFinished: boolean;
}

/** A deployment the cluster told the bot about rather than CI: `<service>@r<revision>`, made by history discovery. */
export function isDiscovered(d: Deployment): boolean {
  return d.id === `${d.service}@r${/@r(\d+)$/.exec(d.id)?.[1] ?? 'x'}` && (d.status === 'unverified' || d.createdBy.startsWith('cluster ('));
}

/** `checkout-api=registry/checkout-api:v1.2.0,…`: the identity of a version. */
export function imagesKey(d: Deployment): string {
  return Object.entries(d.components)
    .map(([name, c]) => `${name}=${c.image}`)
    .sort()
    .join(',');
}

/** A discovered revision may know fewer components (history is per Deployment): every one it knows must match. */
function sameImages(discovered: Deployment, recorded: Deployment): boolean {
  const entries = Object.entries(discovered.components);
  return entries.length > 0 && entries.every(([name, c]) => recorded.components[name]?.image === c.image);
}

/**
 * Groups `deployments` (one service and environment) into versions, newest last-seen first, and
 * marks each with what the deployments and `runs` prove about it.
 */
export function buildVersionHistory(deployments: Deployment[], given: ReadonlyArray<Run | RunOutcome>): VersionEntry[] {
  const runs = given.map((r) => ('plan' in r ? outcomeOf(r) : r));
  const groups: Deployment[][] = [];
  const recorded = deployments.filter((d) => !isDiscovered(d));
  const discovered = deployments.filter(isDiscovered);
  const byKey = new Map<string, Deployment[]>();
  for (const d of recorded) {
    const key = imagesKey(d);
    const group = byKey.get(key) ?? [];
    if (group.length === 0) {
      byKey.set(key, group);
      groups.push(group);
    }
    group.push(d);
  }
  for (const d of discovered) {
    const match =
      groups.find((g) => g.some((r) => !isDiscovered(r) && sameImages(d, r))) ??
      groups.find((g) => g.every(isDiscovered) && imagesKey(g[0]!) === imagesKey(d));
    if (match) match.push(d);
    else groups.push([d]);
  }
  return groups
    .map((g) => describeVersion(g, runs))
    .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt) || b.firstSeenAt.localeCompare(a.firstSeenAt));
}

/** The version `deployment` belongs to. */
export function versionOf(history: VersionEntry[], deployment: Deployment): VersionEntry | undefined {
  return history.find((v) => v.deployments.some((d) => d.id === deployment.id));
}

function describeVersion(group: Deployment[], runs: RunOutcome[]): VersionEntry {
  const deployments = [...group].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const recorded = deployments.filter((d) => !isDiscovered(d));
  // Recorded facts win: the cluster's timestamps only count for versions nobody recorded.
  const timed = recorded.length > 0 ? recorded : deployments;
  const representative = timed[0]!;
  const ids = new Set(deployments.map((d) => d.id));

  const suspicion: string[] = [];
  for (const d of recorded) {
    if (d.status === 'failed') suspicion.push(`its deploy ${d.id} failed (${d.createdAt})`);
    const failedChecks = Object.entries(d.verification ?? {})
      .filter(([, ok]) => ok === false)
      .map(([name]) => name);
    if (failedChecks.length > 0) suspicion.push(`${d.id} failed its recorded ${failedChecks.join(', ')} verification`);
  }
  const rollers = runs.filter((r) => ids.has(r.failedDeploymentId) && r.changedSomething);
  for (const r of rollers) suspicion.push(`run ${r.id} rolled it back (${r.updatedAt})`);
  if (rollers.length === 0 && deployments.some((d) => d.status === 'rolled_back')) {
    suspicion.push(
      `${deployments
        .filter((d) => d.status === 'rolled_back')
        .map((d) => d.id)
        .join(', ')} was rolled back`,
    );
  }

  // Not `rolled_back`: marking a deployment rolled back overwrites whether its deploy had succeeded.
  const succeededRecords = recorded.filter((d) => d.status === 'succeeded');
  const succeeded = succeededRecords.find((d) => Object.values(d.verification ?? {}).includes(true)) ?? succeededRecords[0];
  const provenByRun = runs.find((r) => ids.has(r.targetDeploymentId) && r.status === 'succeeded' && r.checkedSomething);
  const provenByCluster = deployments.find((d) => isDiscovered(d) && d.status === 'succeeded');
  let healthyBecause: string | undefined;
  if (succeeded) healthyBecause = passedText(succeeded);
  else if (provenByRun) healthyBecause = `run ${provenByRun.id} rolled back to it and its checks passed (${provenByRun.updatedAt})`;
  else if (provenByCluster) healthyBecause = `${provenByCluster.id} ran healthy by the cluster's own account (${provenByCluster.createdBy})`;

  const failed = recorded.some((d) => d.status === 'failed' || Object.values(d.verification ?? {}).includes(false));
  return {
    version: representative.version,
    deployments,
    representative,
    firstSeenAt: timed[timed.length - 1]!.createdAt,
    lastSeenAt: representative.createdAt,
    health: failed ? 'failed' : healthyBecause ? 'healthy' : 'unverified',
    ...(healthyBecause ? { healthyBecause } : {}),
    checked:
      !failed &&
      ((succeeded !== undefined && Object.values(succeeded.verification ?? {}).includes(true)) ||
        provenByRun !== undefined ||
        provenByCluster !== undefined),
    suspicion,
    neverFinished: recorded.length > 0 && recorded.every((d) => d.status === 'in_progress'),
  };
}

function passedText(d: Deployment): string {
  const passed = Object.entries(d.verification ?? {})
    .filter(([, ok]) => ok === true)
    .map(([name]) => name);
  return passed.length > 0 ? `${d.id} succeeded and passed ${passed.join(', ')}` : `${d.id} is recorded as succeeded (no verification recorded)`;
}
