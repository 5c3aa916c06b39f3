// After a Helm rollback: does helm report the release deployed with the target's chart and app
// version? One check per helm step, as data: an unhealthy release is a failed check, never a throw.
import type { Run, VerificationCheck } from '../../core/model.js';
import type { HelmTarget } from '../../core/service.js';
import { scrubSecrets } from '../../core/scrub.js';
import { latestRevision, type HelmHistory, type HelmRevision } from './helm-history.js';

export function verifyReleaseChecks(run: Run, target: HelmTarget, history: HelmHistory, durationMs: number): VerificationCheck[] {
  const steps = run.plan.steps.filter((s) => s.kind === 'helm_rollback');
  if (steps.length === 0) {
    return [{ name: `helm release ${target.release}`, phase: 'skipped', durationMs, detail: 'the plan has no helm rollback step' }];
  }
  return steps.map((step) => {
    const name = `helm release ${step.release}`;
    if (!history.found)
      return { name, phase: 'failed', durationMs, detail: `helm does not know release ${step.release} in namespace ${target.namespace}` };
    const latest = latestRevision(history.revisions);
    if (!latest) return { name, phase: 'failed', durationMs, detail: `release ${step.release} has no revisions` };
    const wanted = history.revisions.find((r) => r.revision === step.revision);
    // The target revision may have been pruned from history (--history-max): then the plan's version decides.
    const onTarget = wanted ? sameContent(latest, wanted) : [latest.appVersion, latest.chart].includes(run.plan.toVersion);
    const deployed = latest.status === 'deployed';
    const ok = deployed && onTarget;
    const why = !deployed
      ? `revision ${latest.revision} is ${latest.status}${latest.description ? `: ${latest.description}` : ''}`
      : !onTarget
        ? `revision ${latest.revision} runs ${describe(latest)}, not the target: someone changed the release`
        : `revision ${latest.revision} is deployed with the target chart and app version`;
    return {
      name,
      phase: ok ? 'passed' : 'failed',
      measured: `r${latest.revision} ${latest.status}: ${describe(latest)}`,
      threshold: `deployed: ${wanted ? describe(wanted) : run.plan.toVersion}`,
      durationMs,
      detail: scrubSecrets(why),
    };
  });
}

function sameContent(a: HelmRevision, b: HelmRevision): boolean {
  return a.chart === b.chart && a.appVersion === b.appVersion;
}

function describe(r: HelmRevision): string {
  return r.appVersion ? `${r.chart} (app ${r.appVersion})` : r.chart;
}
