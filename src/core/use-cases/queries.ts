// Read-only answers for `status` and `history`: what the store knows, as plain text for the asker
// (no chat markup: the same words serve Slack, the API and the CLI).
import { UserError } from '../errors.js';
import { ACTIVE_STATUSES } from '../run-machine.js';
import { actorLabel, type UseCaseDeps } from './deps.js';
import { statusReportText } from '../report/run-report.js';

const MAX_TIMELINE_LINES = 25;
const HISTORY_LINES = 10;

export async function describeRun(deps: Pick<UseCaseDeps, 'store'>, runId: string): Promise<string> {
  const run = await deps.store.getRun(runId);
  if (!run) throw new UserError(`There is no rollback run ${runId}.`);
  const timeline = await deps.store.timeline(runId);
  const head = `Run ${run.id}: ${run.plan.service} (${run.plan.environment}) ${run.plan.fromVersion} → ${run.plan.toVersion} — ${run.status}, risk ${run.plan.risk}`;
  // A finished run shows its report (timings, checks, causes); an open one its audit trail.
  if (run.verification || run.rootCause) return `${head}\n${statusReportText(run, timeline, 2900 - head.length)}`;
  const lines = timeline.slice(-MAX_TIMELINE_LINES).map((e) => `• ${e.at} — ${e.type} by ${actorLabel(e.actor)}: ${e.detail}`);
  return [head, timeline.length > MAX_TIMELINE_LINES ? `(last ${MAX_TIMELINE_LINES} of ${timeline.length} events)` : '', ...lines]
    .filter(Boolean)
    .join('\n');
}

export async function describeActiveRuns(deps: Pick<UseCaseDeps, 'store'>): Promise<string> {
  const runs = await deps.store.runsInStatus(ACTIVE_STATUSES);
  if (runs.length === 0) return 'No rollback is in progress or waiting for approval. /smartspec_rollback status <run-id> shows any run.';
  return ['Active rollbacks', ...runs.map((r) => `• ${r.id} ${r.plan.service} ${r.plan.fromVersion} → ${r.plan.toVersion}: ${r.status}`)].join('\n');
}

export async function describeHistory(deps: Pick<UseCaseDeps, 'store' | 'catalog'>, serviceName: string): Promise<string> {
  const service = deps.catalog.services.get(serviceName);
  if (!service) throw new UserError(`Service ${serviceName} is not in the catalog. Known: ${[...deps.catalog.services.keys()].join(', ')}.`);
  const deployments = await deps.store.listDeployments(service.name, service.environment, HISTORY_LINES);
  if (deployments.length === 0) return `No deployments of ${service.name} (${service.environment}) are recorded yet.`;
  return [
    `Recent deployments of ${service.name} (${service.environment})`,
    ...deployments.map((d) => `• ${d.id} ${d.version} ${d.status} — ${d.createdAt} by ${d.createdBy}`),
  ].join('\n');
}
