// What the deployment records say changed between the target and the failed version. Pure: the use
// case reads the records and calls this; the Kubernetes adapter adds the pod-template side.
import type { ReleaseDiff, ValueChange } from '../evidence.js';
import type { Deployment } from '../model.js';

/**
 * `undone`: the deploys after the target up to and including the failed one (as the safety check
 * computes them); their migrations are what the failed version brought. Defaults to the failed deploy.
 */
export function releaseDiff(failed: Deployment, target: Deployment, undone: Deployment[] = [failed]): ReleaseDiff {
  const seen = new Set<string>();
  const migrations = [...undone]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .flatMap((d) => d.migrations)
    .filter((m) => {
      if (seen.has(m.id)) return false;
      seen.add(m.id);
      return true;
    });
  const components = [...new Set([...Object.keys(target.components), ...Object.keys(failed.components)])].sort();
  const images: ValueChange[] = components.flatMap((component) => {
    const before = target.components[component]?.image;
    const after = failed.components[component]?.image;
    if (before === after) return [];
    return [
      {
        container: component,
        field: 'image',
        ...(before === undefined ? {} : { target: before }),
        ...(after === undefined ? {} : { failed: after }),
      },
    ];
  });
  return {
    failedDeploymentId: failed.id,
    targetDeploymentId: target.id,
    failedVersion: failed.version,
    targetVersion: target.version,
    ...(failed.gitSha ? { failedGitSha: failed.gitSha } : {}),
    ...(target.gitSha ? { targetGitSha: target.gitSha } : {}),
    failedDeployedAt: failed.createdAt,
    targetDeployedAt: target.createdAt,
    migrations,
    images,
  };
}
