// Risk from the safety checks, and from risk the number of approvals.
import type { Risk, SafetyCheck } from './model.js';
import type { ApprovalPolicy } from './service.js';

const RANK: Record<Risk, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

export function assessRisk(checks: SafetyCheck[]): Risk {
  let risk: Risk = 'LOW';
  const raise = (to: Risk) => { if (RANK[to] > RANK[risk]) risk = to; };
  for (const check of checks) {
    if (check.outcome === 'block') raise('CRITICAL');
    else if (check.outcome === 'warn') raise(check.id === 'migrations' || check.id === 'drift' ? 'HIGH' : 'MEDIUM');
  }
  return risk;
}

export function isHighRisk(risk: Risk): boolean {
  return RANK[risk] >= RANK.HIGH;
}

export function requiredApprovals(risk: Risk, policy: ApprovalPolicy): number {
  return isHighRisk(risk) ? policy.highRiskRequired : policy.required;
}
