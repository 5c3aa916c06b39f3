// Keeps the incident tool in step with the rollback: a note when it starts and ends, and an alert
// when it fails, because then a person must take over. Never fails the rollback itself.
import type { Run } from '../model.js';
import type { UseCaseDeps } from './deps.js';

const SYNC_TIMEOUT_MS = 10_000;

export type RollbackPhase = 'started' | 'succeeded' | 'failed';

export async function syncIncident(deps: UseCaseDeps, run: Run, phase: RollbackPhase): Promise<void> {
  const incidents = deps.incidents;
  if (!incidents) return;
  const service = deps.catalog.services.get(run.plan.service);
  const thread = await deps.chat.permalink(run).catch(() => undefined);
  const what = `rollback of ${run.plan.service} ${run.plan.fromVersion} → ${run.plan.toVersion} (run ${run.id})`;
  const where = thread ? ` Slack thread: ${thread}` : '';
  const incident = run.plan.incident;
  if (incident) {
    const text = phase === 'started' ? `smartspec-rollback: ${what} started.${where}`
      : phase === 'succeeded' ? `smartspec-rollback: ${what} succeeded and was verified.${where}`
      : `smartspec-rollback: ${what} FAILED: manual intervention required.${where}`;
    await incidents.addNote(incident.id, text, AbortSignal.timeout(SYNC_TIMEOUT_MS))
      .catch((error: unknown) => deps.logger.warn({ err: error, runId: run.id, incident: incident.id }, 'could not add the PagerDuty note'));
  }
  const routingKey = service?.pagerduty?.routingKey;
  if (phase === 'failed' && routingKey) {
    await incidents.triggerAlert({
      routingKey,
      summary: `Rollback of ${run.plan.service} to ${run.plan.toVersion} failed: manual intervention required`,
      source: 'smartspec-rollback',
      severity: 'critical',
      dedupKey: `smartspec-rollback-${run.id}`,
      details: { run: run.id, service: run.plan.service, from: run.plan.fromVersion, to: run.plan.toVersion, ...(thread ? { thread } : {}) },
    }, AbortSignal.timeout(SYNC_TIMEOUT_MS)).catch((error: unknown) => deps.logger.error({ err: error, runId: run.id }, 'could not raise the PagerDuty alert for a failed rollback'));
  }
}
