// The failure-severity decision matrix: what kind of failure calls for what response. Broken for
// everyone (smoke, health, security) rolls back at once; broken features or worse numbers ask a
// person; tolerable degradation and cosmetic issues are logged and fixed forward.
import type { Measurement } from './detection-report.js';
import type { Risk } from './model.js';

export type FailureSignal =
  | 'smoke_tests_failed'
  | 'health_check_failed'
  | 'security_vulnerability'
  | 'acceptance_tests_failed'
  | 'error_rate_high'
  | 'latency_high'
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

// A breached detection query carries its own severity (catalog `severity`); the matrix's rows say
// what that severity calls for, the same rows the named signals map to.
const BY_SEVERITY: Record<Measurement['severity'], Omit<Decision, 'why'>> = {
  critical: { severity: 'CRITICAL', response: 'rollback_immediately' },
  high: { severity: 'HIGH', response: 'prompt' },
  medium: { severity: 'MEDIUM', response: 'log' },
  low: { severity: 'LOW', response: 'log' },
};
const SEVERITY_ORDER: Measurement['severity'][] = ['critical', 'high', 'medium', 'low'];

/**
 * Classifies from measurements: the most severe breached query decides. With no breach, a query that
 * could not be evaluated means a person decides (unknown is never healthy); only when every query was
 * measured within its threshold do the metrics say the deploy looks healthy.
 */
export function decideFromMeasurements(measurements: Measurement[]): Decision {
  const breached = measurements
    .filter((m) => m.status === 'breached')
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const worst = breached[0];
  if (worst) {
    const others = breached.length - 1;
    const value = 'value' in worst.now ? `${formatValue(worst.now.value)}${worst.unit ?? ''}` : '?';
    return {
      ...BY_SEVERITY[worst.severity],
      why: `${worst.name} is ${value}, outside ${worst.threshold}${worst.unit ?? ''} (${worst.severity})${others > 0 ? ` and ${others} more breached` : ''}`,
    };
  }
  const unknown = measurements.filter((m) => m.status === 'unknown');
  if (unknown.length > 0) {
    return { severity: 'HIGH', response: 'prompt', why: `${unknown.map((m) => m.name).join(', ')} could not be measured: a person decides` };
  }
  const all =
    measurements.length === 1
      ? 'the detection query is within its threshold'
      : `all ${measurements.length} detection queries are within their thresholds`;
  return { severity: 'LOW', response: 'log', why: all };
}

/** Four significant digits: enough to read 0.1242 or 3245, never 0.12419999999. */
export function formatValue(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/**
 * A service without detection queries: the incident's title, read by the keyword classifier; when the
 * title names no known signal, the incident's own urgency (PagerDuty: high or low) decides whether a
 * person is prompted or it is only logged.
 */
export function decideFromIncident(title: string, urgency: string | undefined): Decision {
  const signals = classify(title);
  if (signals.length > 0 || (urgency !== 'high' && urgency !== 'low')) return decide(signals);
  return urgency === 'high'
    ? { severity: 'HIGH', response: 'prompt', why: 'a high-urgency incident whose title names no known failure: a person decides' }
    : { severity: 'LOW', response: 'log', why: 'a low-urgency incident whose title names no known failure' };
}

/** Words an alert title or CI gate reason uses for each signal; a rough but explicit classifier. */
const KEYWORDS: Array<[FailureSignal, RegExp]> = [
  ['smoke_tests_failed', /\bsmoke\b/i],
  ['health_check_failed', /\b(health ?check|healthz|readiness|liveness|down|unavailable|crash|5\d\d)\b/i],
  ['security_vulnerability', /\b(cve-\d+|vulnerab|security)\b/i],
  ['acceptance_tests_failed', /\bacceptance\b/i],
  ['error_rate_high', /\berror[ -]?rate|errors?\b|\b5xx\b/i],
  ['latency_high', /\b(latency|p9\d|slow|timeout)\b/i],
  ['performance_degraded', /\bperformance|throughput\b/i],
  ['cosmetic', /\b(cosmetic|typo|css|layout)\b/i],
];

export function classify(text: string): FailureSignal[] {
  return KEYWORDS.filter(([, pattern]) => pattern.test(text)).map(([signal]) => signal);
}
