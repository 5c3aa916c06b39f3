// Which version to roll back to: the last known good deployment before the failed one.
import { UserError } from './errors.js';
import type { Deployment } from './model.js';

/** Why a deployment cannot serve as a rollback target, or undefined when it can. */
export function unfitnessAsTarget(candidate: Deployment, failed: Deployment): string | undefined {
  if (candidate.service !== failed.service || candidate.environment !== failed.environment) return 'another service or environment';
  if (candidate.createdAt >= failed.createdAt || candidate.id === failed.id) return 'not earlier than the failed deployment';
  if (candidate.version === failed.version) return 'the same version as the failed deployment';
  if (candidate.status === 'rolled_back') return 'it was itself rolled back';
  if (candidate.rollbackSafe === false) return 'it is recorded as not rollback-safe';
  if (candidate.status !== 'succeeded') return `its deploy ${candidate.status === 'failed' ? 'failed' : 'never finished'}`;
  const failedChecks = Object.entries(candidate.verification ?? {}).filter(([, passed]) => passed === false).map(([name]) => name);
  if (failedChecks.length > 0) return `its recorded ${failedChecks.join(', ')} verification failed`;
  return undefined;
}

/**
 * `history` is the service's deployments in this environment, newest first.
 * With `targetVersion`, that version must be a fit target in the history; otherwise the newest fit one wins.
 */
export function selectLastKnownGood(failed: Deployment, history: Deployment[], targetVersion?: string): Deployment {
  const earlier = history.filter((d) => d.createdAt < failed.createdAt && d.id !== failed.id);
  const candidates = earlier.filter((d) => unfitnessAsTarget(d, failed) === undefined);
  if (targetVersion !== undefined) {
    if (targetVersion === failed.version) {
      throw new UserError(`\`${targetVersion}\` is the failed version itself; choose an earlier version.${listCandidates(candidates)}`);
    }
    const named = earlier.find((d) => d.version === targetVersion);
    if (!named) {
      throw new UserError(`Version \`${targetVersion}\` is not in the history of ${failed.service} (${failed.environment}) before \`${failed.id}\`.${listCandidates(candidates)}`);
    }
    const why = unfitnessAsTarget(named, failed);
    if (why) throw new UserError(`Version \`${targetVersion}\` cannot be a rollback target: ${why}.${listCandidates(candidates)}`);
    return named;
  }
  const best = candidates[0];
  if (!best) {
    throw new UserError(
      `No known good version of ${failed.service} (${failed.environment}) precedes \`${failed.id}\`: ` +
        'no earlier deployment succeeded and passed its verification. Record one, or roll back by hand.',
    );
  }
  return best;
}

function listCandidates(candidates: Deployment[]): string {
  if (candidates.length === 0) return ' There are no fit candidates.';
  const lines = candidates.slice(0, 5).map((d) => `\`${d.version}\` (${d.id}, ${d.createdAt})`);
  return ` Last candidates: ${lines.join(', ')}.`;
}
