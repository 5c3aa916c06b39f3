// "Verified" means checked. A verification in which no check passed or failed (none configured, or
// every one skipped) proves nothing: it ends Succeeded but says "not verified", or Failed when the
// catalog says `verification.required: true`. Apply it wherever a verification result is recorded.
import type { Verification } from './model.js';
import type { Service, VerificationSpec } from './service.js';

export const NOT_VERIFIED = 'not verified: no checks are configured';

export function judgeVerification(
  verification: Verification,
  spec: Pick<VerificationSpec, 'required' | 'http' | 'commands' | 'prometheus'>,
): Verification {
  const checked = verification.checks.some((c) => c.phase === 'passed' || c.phase === 'failed');
  if (checked) return verification;
  const configured = spec.http.length + spec.commands.length + spec.prometheus.length > 0;
  const why = configured ? 'not verified: every configured check was skipped' : NOT_VERIFIED;
  if (spec.required) {
    return { ...verification, phase: 'Failed', notVerified: `${why}, and verification.required is true` };
  }
  return { ...verification, notVerified: why };
}

/**
 * One warning per service with no health check configured (no HTTP check, smoke command or
 * Prometheus query), saying what its rollbacks will and will not prove. Said at catalog load.
 */
export function uncheckedServiceWarnings(services: Iterable<Service>): string[] {
  const warnings: string[] = [];
  for (const s of services) {
    const v = s.verification;
    if (v.http.length + v.commands.length + v.prometheus.length > 0) continue;
    const proves =
      s.target.kind === 'command'
        ? `its rollbacks end "${NOT_VERIFIED}"${v.required ? ' and, with verification.required, fail' : ''}`
        : `its rollbacks are verified only by the ${s.target.kind === 'helm' ? 'Helm release status' : 'rollout becoming ready'}, not by the service answering`;
    warnings.push(`service ${s.name} has no verification checks (verification.http, .commands, .prometheus): ${proves}`);
  }
  return warnings;
}
