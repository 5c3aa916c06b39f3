// The thread's verification message: each check, its measured value, threshold and duration.
import type { Run, VerificationCheck } from '../../../core/model.js';
import { context, formatSeconds, header, sectionsOf, type Block } from './block-kit.js';

const ICON: Record<VerificationCheck['phase'], string> = { passed: ':white_check_mark:', failed: ':x:', skipped: ':white_circle:' };

export function renderVerificationBlocks(run: Run): Block[] {
  const v = run.verification;
  if (!v) return [header('Verification: not run'), ...sectionsOf('', ['The rollback did not reach verification.'])];
  const ok = v.phase === 'Succeeded';
  const lines = v.checks.map((c) => {
    const measured = c.measured ? ` — measured ${c.measured}` : '';
    const threshold = c.threshold ? `, expected ${c.threshold}` : '';
    return `${ICON[c.phase]} *${c.name}*${measured}${threshold} (${formatSeconds(c.durationMs)})\n      ${c.detail}`;
  });
  const started = run.stepResults[0]?.startedAt ?? v.startedAt;
  const total = new Date(v.finishedAt).getTime() - new Date(started).getTime();
  return [
    header(`${ok ? '✅ Verification passed' : '❌ Verification failed'}: ${run.plan.service} ${run.plan.toVersion}`),
    ...sectionsOf('', lines, 4),
    context(`Rollback and verification took ${formatSeconds(total)} · verification ${formatSeconds(new Date(v.finishedAt).getTime() - new Date(v.startedAt).getTime())} · run \`${run.id}\``),
  ];
}

export function verificationFallbackText(run: Run): string {
  return `Verification ${run.verification?.phase === 'Succeeded' ? 'passed' : 'failed'} for ${run.plan.service} ${run.plan.toVersion}`;
}
