// The failure-severity decision matrix (seed 002): what kind of failure calls for what response.
import type { Risk } from './model.js';

export type FailureSignal =
  | 'smoke_tests_failed' | 'health_check_failed' | 'security_vulnerability'
  | 'acceptance_tests_failed' | 'error_rate_high' | 'latency_high'
  | 'performance_degraded'
  | 'cosmetic';

export type Response = 'rollback_immediately' | 'prompt' | 'log';

export interface Decision {
  severity: Risk;
  response: Response;
  why: string;
}

const MATRIX: Record<FailureSignal, Decision> = {
  smoke_tests_failed: { severity: 'CRITICAL', response: 'rollback_immediately', why: 'smoke tests failed: the service is broken for everyone' },
  health_check_failed: { severity: 'CRITICAL', response: 'rollback_immediately', why: 'health checks fail: the service is down or cannot serve' },
  security_vulnerability: { severity: 'CRITICAL', response: 'rollback_immediately', why: 'a security vulnerability shipped' },
  acceptance_tests_failed: { severity: 'HIGH', response: 'prompt', why: 'acceptance tests failed: features are broken' },
  error_rate_high: { severity: 'HIGH', response: 'prompt', why: 'the error rate rose after the deploy' },
  latency_high: { severity: 'HIGH', response: 'prompt', why: 'latency rose after the deploy' },
  performance_degraded: { severity: 'MEDIUM', response: 'log', why: 'performance degraded within tolerable bounds' },
  cosmetic: { severity: 'LOW', response: 'log', why: 'a cosmetic issue: fix forward' },
};

const ORDER: Response[] = ['rollback_immediately', 'prompt', 'log'];

/** The most severe of the signals decides; no signal at all means ask a person. */
export function decide(signals: FailureSignal[]): Decision {
  if (signals.length === 0) return { severity: 'HIGH', response: 'prompt', why: 'no failure signal was classified: a person decides' };
  return signals.map((s) => MATRIX[s]).sort((a, b) => ORDER.indexOf(a.response) - ORDER.indexOf(b.response))[0]!;
}

/** Words an alert title or CI gate reason uses for each signal; a rough but explicit classifier. */
const KEYWORDS: Array<[FailureSignal, RegExp]> = [
  ['smoke_tests_failed', /\bsmoke\b/i],
  ['health_check_failed', /\b(health ?check|healthz|readiness|liveness|down|unavailable|crash|5\d\d)\b/i],
  ['security_vulnerability', /\b(cve-\d+|vulnerab|security)\b/i],
  ['acceptance_tests_failed', /\bacceptance\b/i],
  ['error_rate_high', /\berror[ -]?rate|errors?\b/i],
  ['latency_high', /\b(latency|p9\d|slow|timeout)\b/i],
  ['performance_degraded', /\bperformance|throughput\b/i],
  ['cosmetic', /\b(cosmetic|typo|css|layout)\b/i],
];

export function classify(text: string): FailureSignal[] {
  return KEYWORDS.filter(([, pattern]) => pattern.test(text)).map(([signal]) => signal);
}
