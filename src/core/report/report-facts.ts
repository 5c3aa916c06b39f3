// The report's head, in the team template's order: incident, time, type, previous and target version,
// duration, impact, verification — each one line, shared by the Markdown report and the CLI tree.
import type { Run } from '../model.js';
import { formatDuration, formatInstant } from './durations.js';
import type { RunTimeline } from './run-timeline.js';
import type { VerificationSummary } from './verification-summary.js';

export type Fact = [key: string, value: string];

const STEP_KIND: Record<string, string> = {
  rollout_undo: 'Kubernetes pod template put back (images and configuration)',
  scale: 'Kubernetes scale',
  switch_traffic: 'blue-green traffic switch',
  helm_rollback: 'Helm release rollback',
  command: 'rollback command',
  workload_undo: 'Kubernetes StatefulSet/DaemonSet template put back from its ControllerRevision',
  argo_abort: 'Argo Rollouts update aborted',
  argo_undo: 'Argo Rollout template put back from its ReplicaSet revision',
};

export function rollbackType(run: Run): string {
  const kinds = [...new Set(run.plan.steps.map((s) => STEP_KIND[s.kind] ?? s.kind))];
  const strategy = run.plan.strategy;
  return `Application, ${strategy} rollback: ${kinds.join(', ') || 'no steps'} — ${run.plan.components.join(', ')}`;
}

export function verificationLine(v: VerificationSummary): string {
  if (v.outcome === 'not_run') return `not run: ${v.notRunReason ?? 'unknown'}`;
  const failed = [...v.rollout, ...v.checks].filter((c) => c.phase === 'failed').length;
  const passed = [...v.rollout, ...v.checks].filter((c) => c.phase === 'passed').length;
  return [
    v.outcome,
    `${passed} check(s) passed${failed > 0 ? `, ${failed} failed` : ''}`,
    ...(v.replicas ? [`${v.replicas.ready}/${v.replicas.desired} replicas ready`] : []),
    ...(v.notChecked.length > 0 ? [`not checked: ${v.notChecked.map((n) => n.name).join(', ')}`] : []),
  ].join('; ');
}

function impactFact(run: Run, t: RunTimeline): string {
  const p = run.plan;
  if (t.timeToRecoverMs !== undefined) return `${p.service} ${p.environment} ran ${p.fromVersion} for ${formatDuration(t.timeToRecoverMs)}`;
  if (t.recoveredAt) return `${p.service} ${p.environment} ran ${p.fromVersion} until ${formatInstant(t.recoveredAt)} (deploy time not recorded)`;
  return `${p.service} ${p.environment}: ${p.fromVersion} not verified as replaced (${run.status})`;
}

export function reportFacts(run: Run, t: RunTimeline, v: VerificationSummary): Fact[] {
  const p = run.plan;
  const rc = run.rootCause;
  const trigger = rc?.incident?.entries.find((e) => /trigger/i.test(e.type))?.summary ?? p.incident?.title;
  const incidentId = rc?.incident?.id ?? p.incident?.id;
  const incident = incidentId
    ? `${p.reason} (incident ${incidentId}${trigger ? `: ${trigger}` : ''}${p.incident?.url ? `, ${p.incident.url}` : ''})`
    : p.reason;
  const end = t.milestones.filter((m) => ['succeeded', 'failed', 'interrupted', 'cancelled', 'rejected', 'expired'].includes(m.kind)).at(-1);
  const release = rc?.release;
  const top = rc?.causes[0];
  return [
    ['Incident', incident],
    [
      'Time',
      `requested ${formatInstant(t.milestones.find((m) => m.kind === 'requested')?.at ?? run.createdAt)}${end ? `, ended ${formatInstant(end.at)}` : ''}`,
    ],
    ['Type', rollbackType(run)],
    ['Previous version', `${p.fromVersion} (${p.failedDeploymentId}${release ? `, deployed ${formatInstant(release.failedDeployedAt)}` : ''})`],
    ['Target version', `${p.toVersion} (${p.targetDeploymentId}${release ? `, deployed ${formatInstant(release.targetDeployedAt)}` : ''})`],
    ['Duration', t.totalMs === undefined ? `not finished (${run.status})` : `${formatDuration(t.totalMs)} from request to ${run.status}`],
    ['Impact', impactFact(run, t)],
    ['Verification', verificationLine(v)],
    ['Root cause', top ? `${top.summary} (confidence: ${top.confidence})` : rc ? 'no cause identified from the evidence' : 'no evidence collected'],
    ['Run', `${run.id} — ${run.status}, risk ${p.risk}, requested by ${run.requestedBy.name ?? run.requestedBy.id}`],
  ];
}
