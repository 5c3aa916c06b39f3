// The service's own checks after a rollback: HTTP endpoints, then smoke commands.
import type { InstantQuerier } from '../../core/detection.js';
import type { VerificationCheck } from '../../core/model.js';
import type { VerificationSpec } from '../../core/service.js';
import type { HealthChecker } from '../../core/use-cases/deps.js';
import { expandArgv, runCommandCheck } from './command-check.js';
import { runHttpCheck } from './http-check.js';
import { runPrometheusCheck } from './prometheus-check.js';

export class ServiceHealthChecker implements HealthChecker {
  /** `prometheus`: the querier with the peers' credentials (bot.ts); default, one without. */
  constructor(private readonly prometheus?: InstantQuerier) {}

  async run(spec: VerificationSpec, context: { service: string; version: string; runId: string }, signal: AbortSignal): Promise<VerificationCheck[]> {
    const checks = await Promise.all([
      ...spec.http.map((h) => runHttpCheck(h, signal)),
      ...spec.prometheus.map((p) => runPrometheusCheck(p, signal, this.prometheus)),
    ]);
    if (spec.http.length === 0) checks.push(notConfigured('http', 'no HTTP checks are configured for this service (verification.http)'));
    for (const template of spec.commands) {
      checks.push(await runCommandCheck(expandArgv(template, context), signal));
    }
    if (spec.commands.length === 0) checks.push(notConfigured('smoke commands', 'no smoke commands are configured (verification.commands)'));
    return checks;
  }
}

/** What was not checked is said as plainly as what was. */
function notConfigured(name: string, detail: string): VerificationCheck {
  return { name, phase: 'skipped', durationMs: 0, detail };
}
