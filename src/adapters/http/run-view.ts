// The public JSON shape of a run (GET /api/v1/rollbacks/:id). Scripts depend on these names.
import type { Run, TimelineEvent } from '../../core/model.js';
import { plainAuditText } from './audit-text.js';

export function runView(run: Run, timeline: TimelineEvent[]) {
  return {
    id: run.id,
    status: run.status,
    service: run.plan.service,
    environment: run.plan.environment,
    failedDeploymentId: run.plan.failedDeploymentId,
    targetDeploymentId: run.plan.targetDeploymentId,
    fromVersion: run.plan.fromVersion,
    toVersion: run.plan.toVersion,
    risk: run.plan.risk,
    strategy: run.plan.strategy,
    reason: run.plan.reason,
    requiredApprovals: run.plan.requiredApprovals,
    expiresAt: run.plan.expiresAt,
    incident: run.plan.incident ?? null,
    detection: run.plan.detection ?? null,
    dryRun: run.plan.dryRun,
    checks: run.plan.checks,
    approvals: run.approvals,
    steps: run.plan.steps.map((step) => {
      const result = run.stepResults.find((r) => r.index === step.index);
      return {
        index: step.index,
        kind: step.kind,
        component: step.component,
        description: step.description,
        expectedSeconds: step.expectedSeconds,
        status: result?.status ?? 'pending',
        startedAt: result?.startedAt ?? null,
        finishedAt: result?.finishedAt ?? null,
        detail: result?.detail ?? null,
      };
    }),
    verification: run.verification ?? null,
    // "Verified" means checked: false when nothing was checked ("not verified: no checks are configured").
    verified: run.verification ? run.verification.phase === 'Succeeded' && !run.verification.notVerified : null,
    forced: run.plan.forced === true,
    automation: run.plan.automation ?? null,
    // Plain text: the API, the CLI and dashboards are not Slack.
    timeline: timeline.map((e) => ({ at: e.at, type: e.type, actor: e.actor, detail: plainAuditText(e.detail) })),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
  };
}
