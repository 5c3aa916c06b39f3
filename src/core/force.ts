// `--force`: a way through for people in Slack, never for automation. Only blockers
// marked overridable become warnings; migrations, drift, another run and stuck releases never do.
import type { RollbackRequest } from './command.js';
import { UserError } from './errors.js';
import type { Actor, SafetyCheck } from './model.js';

/** Why this forced request must be refused before anything is planned; undefined when it may go on. */
export function forceRefusal(request: Pick<RollbackRequest, 'force' | 'autoApprove' | 'reason'>, requester: Actor): UserError | undefined {
  if (!request.force) return undefined;
  if (requester.kind !== 'slack_user') {
    return new UserError(
      '`--force` is for people in Slack, never for automation: ask without it, or have an on-call engineer force it in Slack.',
      undefined,
      'policy',
    );
  }
  if (request.autoApprove) {
    return new UserError(
      '`--force` never combines with `--auto-approve`: a forced plan always needs approvers. Drop `--auto-approve`.',
      undefined,
      'policy',
    );
  }
  if (!request.reason?.trim()) {
    return new UserError(
      '`--force` needs a `--reason` that says why the checks may be overridden, e.g. `--force --reason "auto-sync suspended in Argo CD"`.',
      undefined,
      'invalid',
    );
  }
  return undefined;
}

/**
 * Overridable blockers become warnings marked forced, and one `forced` warning says who forced what:
 * either makes the plan CRITICAL (risk.ts), so it needs the high-risk number of approvers.
 */
export function applyForce(checks: SafetyCheck[], reason: string): SafetyCheck[] {
  const overridden = checks.filter((c) => c.outcome === 'block' && c.overridable).map((c) => c.id);
  const kept = checks.filter((c) => c.outcome === 'block' && !c.overridable).map((c) => c.id);
  const out = checks.map((c) =>
    c.outcome === 'block' && c.overridable ? { ...c, outcome: 'warn' as const, forced: true, message: `Forced: ${c.message}` } : c,
  );
  const what = overridden.length > 0 ? `overrides ${overridden.join(', ')}` : 'overrides nothing (no overridable blocker)';
  const still = kept.length > 0 ? ` Still blocked by ${kept.join(', ')}: --force never overrides those.` : '';
  out.push({ id: 'forced', outcome: 'warn', forced: true, message: `Forced rollback: ${what}. Reason: ${reason}.${still}` });
  return out;
}
