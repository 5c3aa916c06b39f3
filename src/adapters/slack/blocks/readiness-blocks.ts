// The one message a service's channel gets when a rehearsal finds its rollback would not work.
import type { ServiceReadiness } from '../../../core/rehearsal/readiness.js';
import { clip, context, escapeMrkdwn, header, LIMITS, section, type Block } from './block-kit.js';

export function readinessFallbackText(r: ServiceReadiness): string {
  return `Rollback of ${r.service} (${r.environment}) is NOT ready: ${r.problems[0] ?? 'see the rehearsal'}`;
}

export function renderNotReadyBlocks(r: ServiceReadiness): Block[] {
  const target = r.toVersion ? ` to \`${escapeMrkdwn(r.toVersion)}\`` : '';
  return [
    header(clip(`Rollback not ready: ${r.service}`, LIMITS.headerText)),
    section(
      clip(
        [
          `:warning: A rehearsal of the rollback of *${escapeMrkdwn(r.service)}* (${escapeMrkdwn(r.environment)})${target} found it would not work today. Nothing was executed.`,
          ...r.problems.map((p) => `• ${escapeMrkdwn(p)}`),
        ].join('\n'),
        LIMITS.sectionText,
      ),
    ),
    context(
      `Dry run: ${r.dryRun.replace('_', ' ')} · permissions: ${r.permissions} · target revision: ${r.targetRevision.replace('_', ' ')} · rehearsed ${r.checkedAt} in ${(r.durationMs / 1000).toFixed(1)} s · said once until it is fixed`,
    ),
  ];
}
