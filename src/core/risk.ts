// Risk from the safety checks, and from risk the number of approvals.
import type { Risk, SafetyCheck } from './model.js';
import type { ApprovalPolicy } from './service.js';

const RANK: Record<Risk, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

/** Warnings that alone make a plan HIGH: the data, the live state, or the target itself are in doubt. */
const HIGH_WARNINGS = new Set(['migrations', 'drift', 'target_suspect', 'target_unverified']);

export function assessRisk(checks: SafetyCheck[]): Risk {
  let risk: Risk = 'LOW';
  const raise = (to: Risk) => {
    if (RANK[to] > RANK[risk]) risk = to;
  };
  for (const check of checks) {
    // A forced blocker stays as risky as a blocker: people, not the bot, decided to go through it.
    if (check.outcome === 'block' || check.forced) raise('CRITICAL');
    else if (check.outcome === 'warn') raise(HIGH_WARNINGS.has(check.id) ? 'HIGH' : 'MEDIUM');
  }
  return risk;
}

export function riskRank(risk: Risk): number {
  return RANK[risk];
}

export function isHighRisk(risk: Risk): boolean {
  return RANK[risk] >= RANK.HIGH;
}

export function requiredApprovals(risk: Risk, policy: ApprovalPolicy): number {
  return isHighRisk(risk) ? policy.highRiskRequired : policy.required;
}
