// Keeps the incident tool in step with the rollback: a note when execution starts, when it ends,
// and when its plan has waited too long for approvers; an alert when it fails or is interrupted,
// because then a person must take over. Plain text: PagerDuty shows it as is.
import type { Run } from '../model.js';
import type { ChatSurface, IncidentService, Logger } from '../ports.js';
import type { Catalog } from '../service.js';
import type { RunEvent, RunEventSubscriber } from './run-events.js';

const SYNC_TIMEOUT_MS = 10_000;

export class IncidentNotesSubscriber implements RunEventSubscriber {
  readonly name = 'pagerduty-notes';

  constructor(private readonly deps: { incidents: IncidentService; chat: ChatSurface; catalog: Catalog; logger: Logger }) {}

  async handle(event: RunEvent, run: Run): Promise<void> {
    const text = noteFor(event, run);
    const needsPerson = event.type === 'failed' || event.type === 'interrupted';
    if (!text && !needsPerson) return;
    const thread = await this.deps.chat.permalink(run).catch(() => undefined);
    const incident = run.plan.incident;
    if (incident && text) {
      await this.deps.incidents
        .addNote(incident.id, `${text}${thread ? ` Slack thread: ${thread}` : ''}`, AbortSignal.timeout(SYNC_TIMEOUT_MS))
        .catch((error: unknown) => this.deps.logger.warn({ err: error, runId: run.id, incident: incident.id }, 'could not add the PagerDuty note'));
    }
    const service = this.deps.catalog.services.get(run.plan.service);
    const routingKey = service?.pagerduty?.routingKey;
    // Whoever takes over needs the service's runbook first (catalog `runbook`).
    const runbook = service?.runbook;
    if (needsPerson && routingKey) {
      await this.deps.incidents
        .triggerAlert(
          {
            routingKey,
            summary: `Rollback of ${run.plan.service} to ${run.plan.toVersion} ${event.type === 'failed' ? 'failed' : 'was interrupted'}: manual intervention required`,
            source: 'smartspec-rollback',
            severity: 'critical',
            dedupKey: `smartspec-rollback-${run.id}`,
            details: {
              run: run.id,
              service: run.plan.service,
              from: run.plan.fromVersion,
              to: run.plan.toVersion,
              ...(thread ? { thread } : {}),
              ...(runbook ? { runbook } : {}),
            },
            ...(runbook ? { links: [{ href: runbook, text: `Runbook: ${run.plan.service}` }] } : {}),
          },
          AbortSignal.timeout(SYNC_TIMEOUT_MS),
        )
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error, runId: run.id }, 'could not raise the PagerDuty alert for a rollback that needs a person'),
        );
    }
  }
}

function noteFor(event: RunEvent, run: Run): string | undefined {
  const what = `rollback of ${run.plan.service} ${run.plan.fromVersion} → ${run.plan.toVersion} (run ${run.id})`;
  switch (event.type) {
    case 'execution_started':
      return `smartspec-rollback: ${what} started.`;
    case 'resumed':
      return `smartspec-rollback: ${what} resumed after its previous owner stopped.`;
    // "Verified" means checked: an unchecked run says so here too (verification-verdict.ts).
    case 'succeeded':
      return `smartspec-rollback: ${what} succeeded${run.verification?.notVerified ? `, ${run.verification.notVerified}: check the service by hand` : ' and was verified'}.`;
    case 'failed':
      return `smartspec-rollback: ${what} FAILED: manual intervention required.`;
    case 'interrupted':
      return `smartspec-rollback: ${what} was INTERRUPTED and not resumed (${event.found.join('; ')}): manual intervention required.`;
    case 'cancelled':
      return event.was === 'executing' ? `smartspec-rollback: ${what} was cancelled mid-execution.` : undefined;
    case 'reminder_due':
      return `smartspec-rollback: the plan for the ${what} has waited ${event.waitedMinutes} min for ${event.missing} approval(s).`;
    default:
      return undefined;
  }
}
