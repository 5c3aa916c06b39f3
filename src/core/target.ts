// Which version to roll back to: the newest version before the failed one that nothing marks as bad.
// Chosen over versions (see version-history.ts), never over deployment ids, so a bad version known
// under a second id (a discovered revision) is still bad, and a rollback never goes forward.
import { UserError } from './errors.js';
import type { Deployment, SafetyCheck } from './model.js';
import { buildVersionHistory, isDiscovered, versionOf, type VersionEntry } from './version-history.js';

export interface TargetChoice {
  /** The failed deployment as the plan names it: a discovered id resolves to the recorded deployment of its version. */
  failed: Deployment;
  target: Deployment;
  /** What the history says about the target and the failed deployment (pass, a warning that raises the risk, or a blocker). */
  checks: SafetyCheck[];
  /** Recorded deployments after the target up to the failed one: their migrations would be undone. */
  undone: Deployment[];
}

/**
 * `history` is the service's versions in this environment (buildVersionHistory). With
 * `targetVersion`, that version is used if it is older than the failed one, with a warning when it is
 * suspect; otherwise the newest older version that never failed and was never rolled away from wins.
 */
export function chooseTarget(named: Deployment, history: VersionEntry[], targetVersion?: string): TargetChoice {
  const failedVersion = versionOf(history, named) ?? buildVersionHistory([named], [])[0]!;
  refuseIfAlreadyRolledBack(named, failedVersion, history);
  const failed = isDiscovered(named) && !isDiscovered(failedVersion.representative) ? failedVersion.representative : named;
  const checks: SafetyCheck[] = [];
  if (failed !== named) {
    checks.push({
      id: 'history',
      outcome: 'pass',
      message: `\`${named.id}\` runs the same images as \`${failed.id}\` (${failed.version}), recorded by ${failed.createdBy}: the plan uses the recorded facts.`,
    });
  }
  const older = history.filter((v) => v !== failedVersion && !newerThan(v, failedVersion));
  const choice =
    targetVersion === undefined
      ? automaticChoice(failed, failedVersion, older, history)
      : namedChoice(failed, failedVersion, older, history, targetVersion);
  checks.push(...targetChecks(choice));
  const target = choice.representative;
  const undone = older
    .concat([failedVersion])
    .flatMap((v) => v.deployments)
    .filter((d) => !isDiscovered(d) && d.createdAt > target.createdAt && d.createdAt <= failed.createdAt)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { failed, target, checks, undone };
}

/** Planning a deployment a run already rolled away from would undo the rollback, not the failure. */
function refuseIfAlreadyRolledBack(named: Deployment, version: VersionEntry, history: VersionEntry[]): void {
  const rolledBack = named.status === 'rolled_back' || (isDiscovered(named) && version.deployments.some((d) => d.status === 'rolled_back'));
  if (!rolledBack) return;
  const newest = history[0]?.representative;
  const next =
    newest && newest.id !== named.id && versionOf(history, newest) !== version
      ? ` The newest deployment is \`${newest.id}\` (${newest.version}): if that is what failed, use \`--failed-deployment-id ${newest.id}\`.`
      : ' If it was deployed again and failed again, record the new deploy and name that.';
  const why = version.suspicion.find((s) => s.startsWith('run ')) ?? 'it is recorded as rolled back';
  throw new UserError(`\`${named.id}\` (${named.version}) was already rolled back: ${why}. Nothing was planned.${next}`);
}

/** A rollback never goes forward: by when a version first ran, and by its number when both are numbered. */
function newerThan(candidate: VersionEntry, failed: VersionEntry): boolean {
  if (candidate.firstSeenAt >= failed.firstSeenAt) return true;
  const order = compareVersions(candidate.version, failed.version);
  return order !== undefined && order > 0;
}

function automaticChoice(failed: Deployment, failedVersion: VersionEntry, older: VersionEntry[], history: VersionEntry[]): VersionEntry {
  const fit = older.find((v) => v.suspicion.length === 0 && v.health !== 'failed' && !v.neverFinished);
  if (fit) return fit;
  const excluded = older.slice(0, 5).map((v) => `\`${v.version}\` (${whyUnfit(v)})`);
  throw new UserError(
    `No version of ${failed.service} (${failed.environment}) before \`${failed.version}\` (\`${failed.id}\`) is fit to roll back to` +
      (excluded.length > 0 ? `: ${excluded.join('; ')}.` : ': it is the oldest version the bot knows.') +
      nextStep(failed, failedVersion, history),
  );
}

function namedChoice(
  failed: Deployment,
  failedVersion: VersionEntry,
  older: VersionEntry[],
  history: VersionEntry[],
  targetVersion: string,
): VersionEntry {
  const named = history.find((v) => v.version === targetVersion || v.deployments.some((d) => d.version === targetVersion));
  if (named === failedVersion) {
    throw new UserError(`\`${targetVersion}\` is the failed version itself; choose an earlier version.${listCandidates(older)}`);
  }
  if (!named) {
    throw new UserError(`Version \`${targetVersion}\` is not in the history of ${failed.service} (${failed.environment}).${listCandidates(older)}`);
  }
  if (!older.includes(named)) {
    throw new UserError(
      `\`${targetVersion}\` is newer than the failed \`${failed.version}\` (first ran ${named.firstSeenAt}): a rollback never goes forward. Deploy it instead, or choose an earlier version.${listCandidates(older)}`,
    );
  }
  return named;
}

function targetChecks(v: VersionEntry): SafetyCheck[] {
  const checks: SafetyCheck[] = [];
  if (v.suspicion.length > 0 || v.health === 'failed') {
    const why = v.suspicion.length > 0 ? v.suspicion.join('; ') : 'a record says it failed';
    checks.push({
      id: 'target_suspect',
      outcome: 'warn',
      message: `\`${v.version}\` is suspect: ${why}. It was named with \`--target-version\`, so the plan is HIGH risk: confirm it is safe now.`,
    });
  }
  if (v.neverFinished) {
    checks.push({
      id: 'target_unverified',
      outcome: 'block',
      overridable: true,
      message: `The only record of \`${v.version}\` (\`${v.representative.id}\`) says its deploy never finished: nothing shows it ever ran. Choose another version, or add \`--force\` and a \`--reason\`.`,
    });
  } else if (v.health === 'healthy' && v.checked) {
    checks.push({ id: 'target_verification', outcome: 'pass', message: `\`${v.version}\` ran healthy: ${v.healthyBecause}.` });
  } else if (v.health === 'healthy') {
    checks.push({
      id: 'target_verification',
      outcome: 'warn',
      message: `No verification was recorded for \`${v.version}\`: it ran (${v.healthyBecause}), but nobody proved it healthy.`,
    });
  } else if (v.health === 'unverified') {
    const source = v.deployments.every(isDiscovered)
      ? ` it is known only from the cluster's history (\`${v.representative.id}\`)`
      : ' no deploy of it is recorded as succeeded';
    checks.push({
      id: 'target_unverified',
      outcome: 'warn',
      message: `Nothing recorded that \`${v.version}\` ever ran healthy:${source}. Check it before approving.`,
    });
  }
  return checks;
}

function whyUnfit(v: VersionEntry): string {
  if (v.suspicion.length > 0) return v.suspicion.join('; ');
  if (v.neverFinished) return 'its deploy never finished';
  return 'its deploy failed';
}

/** What to do when nothing fits: name a version (a HIGH-risk plan), or the deploy that is really failing. */
function nextStep(failed: Deployment, failedVersion: VersionEntry, history: VersionEntry[]): string {
  const newest = history[0];
  if (newest && newest !== failedVersion) {
    return ` \`${failed.id}\` is not the newest deployment: \`${newest.representative.id}\` (${newest.version}) is. If that is what failed, use \`--failed-deployment-id ${newest.representative.id}\`.`;
  }
  return ' Name a version with `--target-version` (the plan says why it is suspect and needs high-risk approvals), or roll back by hand.';
}

function listCandidates(older: VersionEntry[]): string {
  if (older.length === 0) return ' There is no earlier version.';
  const lines = older
    .slice(0, 5)
    .map((v) => `\`${v.version}\` (${v.representative.id}${v.suspicion.length > 0 ? ', suspect' : v.health === 'unverified' ? ', unverified' : ''})`);
  return ` Earlier versions: ${lines.join(', ')}.`;
}

/** Compares dotted version numbers (`v1.2.10` > `v1.2.9`); undefined when either is not one. */
export function compareVersions(a: string, b: string): number | undefined {
  const parse = (v: string) => /^v?(\d+(?:\.\d+){0,3})$/.exec(v)?.[1]?.split('.').map(Number);
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return undefined;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
