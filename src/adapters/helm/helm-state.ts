// A release's history as the core sees it: one component named after the release, and, for services
// nobody records deployments of, one deployment per revision (`<service>@r<revision>`).
import { ID_PATTERN } from '../../core/command.js';
import type { ComponentState, Deployment, DeploymentStatus } from '../../core/model.js';
import type { HelmTarget, Service } from '../../core/service.js';
import { isPending, latestRevision, revisionImages, type HelmRevision } from './helm-history.js';

/**
 * `images` are the current revision's app version and chart, because those are what the planner
 * matches target deployments by. The current revision is helm's last one even when it failed: its
 * manifests were applied, so that is what the cluster runs. Helm knows no replica counts, so they are
 * 0 here (the Kubernetes adapter is where pods are read).
 */
export function releaseComponent(target: HelmTarget, history: HelmRevision[]): ComponentState {
  const latest = latestRevision(history);
  const pending = latest && isPending(latest.status) ? latest.status : undefined;
  return {
    name: target.release,
    images: latest ? revisionImages(latest) : [],
    ...(latest ? { revision: latest.revision } : {}),
    desiredReplicas: 0,
    readyReplicas: 0,
    updatedReplicas: 0,
    rolloutInProgress: pending !== undefined,
    history: history.map((r) => ({ revision: r.revision, images: revisionImages(r), createdAt: r.updated })),
    ...(pending ? { pendingOperation: pending } : {}),
  };
}

// Helm's "deployed" and "superseded" say the release was installed (its hooks and, with --wait, its
// readiness passed), not that the version then ran healthy: like every discovered revision they are
// unverified, and choosing one as a target is a warning that raises the risk.
const STATUS: Record<string, DeploymentStatus> = {
  deployed: 'unverified',
  superseded: 'unverified',
  failed: 'failed',
  'pending-install': 'in_progress',
  'pending-upgrade': 'in_progress',
  'pending-rollback': 'in_progress',
};

/**
 * Revisions helm reports as uninstalled or unknown (or with an unreadable date) are left out: they say nothing about a version
 * one could return to. Every deployment names the release's chart as its component "image", so a
 * target found this way is matched by chart as well as by app version.
 */
export function releaseDeployments(service: Service, target: HelmTarget, history: HelmRevision[]): Deployment[] {
  return history.flatMap((r) => {
    const status = STATUS[r.status];
    if (!status || Number.isNaN(Date.parse(r.updated))) return [];
    const deployment: Deployment = {
      id: `${service.name}@r${r.revision}`,
      service: service.name,
      environment: service.environment,
      version: versionOf(r),
      status,
      createdAt: r.updated,
      createdBy: 'cluster (Helm release history)',
      components: { [target.release]: { image: r.chart || versionOf(r) } },
      migrations: [],
    };
    return [deployment];
  });
}

/** The app version when it is a usable id, else the chart, else the revision. */
function versionOf(r: HelmRevision): string {
  if (ID_PATTERN.test(r.appVersion)) return r.appVersion;
  if (ID_PATTERN.test(r.chart)) return r.chart;
  return `r${r.revision}`;
}
