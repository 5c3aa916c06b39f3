// Verification as a reader needs it: the rollout and its ready replicas, the checks that ran with
// their measured value, threshold and duration, and — said as plainly — what was not checked and why.
import type { Run, VerificationCheck } from '../model.js';
import { between } from './durations.js';

export interface VerificationSummary {
  outcome: 'passed' | 'failed' | 'not_run';
  /** Why there is no verification, when there is none. */
  notRunReason?: string;
  rollout: VerificationCheck[];
  checks: VerificationCheck[];
  notChecked: Array<{ name: string; why: string }>;
  /** Nothing was checked: "not verified: no checks are configured" (verification-verdict.ts). */
  notVerified?: string;
  /** Summed over the rollout checks that report `ready/desired`. */
  replicas?: { ready: number; desired: number };
  durationMs?: number;
}

const READY = /^(\d+)\/(\d+) ready/;

export function summariseVerification(run: Run): VerificationSummary {
  const v = run.verification;
  if (!v) return { outcome: 'not_run', notRunReason: whyNotRun(run), rollout: [], checks: [], notChecked: [] };
  const rollout = v.checks.filter((c) => c.name.startsWith('rollout ') && c.phase !== 'skipped');
  const checks = v.checks.filter((c) => !c.name.startsWith('rollout ') && c.phase !== 'skipped');
  const notChecked = v.checks.filter((c) => c.phase === 'skipped').map((c) => ({ name: c.name, why: c.detail }));
  const summary: VerificationSummary = {
    outcome: v.phase === 'Succeeded' ? 'passed' : 'failed',
    rollout,
    checks,
    notChecked,
    ...(v.notVerified ? { notVerified: v.notVerified } : {}),
  };
  let ready = 0;
  let desired = 0;
  let counted = 0;
  for (const c of rollout) {
    const m = READY.exec(c.measured ?? '');
    if (!m) continue;
    ready += Number(m[1]);
    desired += Number(m[2]);
    counted++;
  }
  if (counted > 0) summary.replicas = { ready, desired };
  const duration = between(v.startedAt, v.finishedAt);
  if (duration !== undefined && duration >= 0) summary.durationMs = duration;
  return summary;
}

function whyNotRun(run: Run): string {
  const failedStep = run.stepResults.find((s) => s.status === 'failed');
  if (failedStep) return `the rollback stopped at step ${failedStep.index} (${failedStep.detail}), so there was nothing to verify`;
  switch (run.status) {
    case 'planned':
      return run.plan.dryRun ? 'dry run: nothing was executed' : 'the plan was not executed';
    case 'blocked':
      return 'the plan was blocked: nothing was executed';
    case 'rejected':
      return 'the plan was rejected: nothing was executed';
    case 'expired':
      return 'the plan expired before approval: nothing was executed';
    case 'cancelled':
      return 'the run was cancelled';
    case 'interrupted':
      return 'the bot stopped during the rollback: check the cluster by hand';
    case 'failed':
      return 'the rollback failed before verification';
    default:
      return 'the rollback has not reached verification yet';
  }
}
