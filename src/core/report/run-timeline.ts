// The run's story in time: deployed → incident → requested → approved → executed → verified, with the
// phase durations (decision, pre-checks, rollback, verification), time to detect and time to recover.
// Pure: built from the stored run and its timeline events; without events it falls back to the run.
import type { IncidentLogEntry } from '../ports.js';
import type { Actor, Run, RunStatus, TimelineEvent } from '../model.js';
import { between, formatDuration, formatInstant } from './durations.js';
import { incidentEntryType } from './evidence-lines.js';

export type MilestoneKind =
  | 'deployed'
  | 'incident'
  | 'requested'
  | 'approval'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'executing'
  | 'verifying'
  | 'succeeded'
  | 'failed'
  | 'interrupted'
  | 'cancelled'
  | 'reminded'
  | 'cancel_requested'
  | 'resumed'
  | 'replanned';

export interface Milestone {
  kind: MilestoneKind;
  at: string;
  label: string;
}

export interface PhaseDuration {
  name: 'Decision' | 'Pre-checks' | 'Rollback' | 'Verification';
  /** What the phase spans, said once so a reader knows what the number means. */
  span: string;
  ms?: number;
}

export interface StepTiming {
  index: number;
  component: string;
  description: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  ms?: number;
}

export interface RunTimeline {
  status: RunStatus;
  milestones: Milestone[];
  phases: PhaseDuration[];
  steps: StepTiming[];
  deployedAt?: string;
  /** When someone or something noticed: the incident's trigger, else the rollback request. */
  detectedAt: string;
  detectedBy: 'incident' | 'request';
  recoveredAt?: string;
  /** Deployed → detected. */
  timeToDetectMs?: number;
  /** Deployed → verified: how long users lived with the failed version. */
  timeToRecoverMs?: number;
  /** Detected → verified: how long the response took. */
  detectionToRecoveryMs?: number;
  /** Requested → finished (verified, failed, rejected…). */
  totalMs?: number;
}

const MAX_INCIDENT_ENTRIES = 10;

export function actorName(actor: Actor): string {
  return actor.name ?? actor.id;
}

function firstOf(events: TimelineEvent[], type: string): TimelineEvent | undefined {
  return events.find((e) => e.type === type);
}

function lastOf(events: TimelineEvent[], type: string): TimelineEvent | undefined {
  return [...events].reverse().find((e) => e.type === type);
}

function incidentLabel(entry: IncidentLogEntry): string {
  return `incident ${incidentEntryType(entry.type)}: ${entry.summary}`.slice(0, 200);
}

/**
 * What issue 15's coordinator records (plain text by construction): reminders, asks to stop,
 * resumes, and the run that planned this one again. Each by whom, when it was a person.
 */
function controlMilestones(sorted: TimelineEvent[]): Milestone[] {
  const out: Milestone[] = [];
  const reminded = firstOf(sorted, 'reminded');
  if (reminded) out.push({ kind: 'reminded', at: reminded.at, label: `approvers reminded (${reminded.detail})` });
  const stop = firstOf(sorted, 'cancel_requested');
  if (stop) out.push({ kind: 'cancel_requested', at: stop.at, label: `stop requested by ${actorName(stop.actor)}` });
  for (const e of sorted.filter((x) => x.type === 'resumed'))
    out.push({ kind: 'resumed', at: e.at, label: `resumed after the bot stopped: ${e.detail.replace(/^the previous owner stopped:?\s*/, '')}` });
  for (const e of sorted.filter((x) => x.type === 'retried' || x.type === 'replanned')) {
    out.push({
      kind: 'replanned',
      at: e.at,
      label: `${e.type === 'retried' ? `retried by ${actorName(e.actor)}: ` : 'cluster changed: '}${e.detail}`,
    });
  }
  return out;
}

/** The run's end, with who and why where the audit says so. */
function endLabel(run: Run, end: TimelineEvent | undefined): string {
  if (run.status === 'succeeded')
    return run.verification?.notVerified
      ? `rolled back to ${run.plan.toVersion}, ${run.verification.notVerified}`
      : `verified: ${run.plan.toVersion} is healthy`;
  if (run.status === 'cancelled' && end) return `cancelled by ${actorName(end.actor)}: ${end.detail}`;
  if (run.status === 'interrupted' && end) return `interrupted: ${end.detail}`;
  return `rollback ${run.status}`;
}

export function buildRunTimeline(run: Run, events: TimelineEvent[] = []): RunTimeline {
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const rc = run.rootCause;
  const deployedAt = rc?.release?.failedDeployedAt;
  // The incident's own log when it was collected; else what the PagerDuty trigger told the plan.
  const ref = run.plan.incident;
  const logged = [...(rc?.incident?.entries ?? [])].sort((a, b) => a.at.localeCompare(b.at)).slice(0, MAX_INCIDENT_ENTRIES);
  const incident = logged.length > 0 || !ref ? logged : [{ at: ref.triggeredAt, type: 'trigger_log_entry', summary: ref.title }];
  const triggered = incident.find((e) => /trigger/i.test(e.type)) ?? incident[0];

  const requestedAt = firstOf(sorted, 'requested')?.at ?? run.createdAt;
  const lastApproval = [...run.approvals].sort((a, b) => a.at.localeCompare(b.at)).at(-1);
  const approvedEvent = firstOf(sorted, 'approved');
  const approvedAt = approvedEvent?.at ?? lastApproval?.at;
  const executingAt = firstOf(sorted, 'executing')?.at;
  const stepStarts = run.stepResults.map((s) => s.startedAt).sort();
  const stepEnds = run.stepResults
    .map((s) => s.finishedAt)
    .filter((t): t is string => t !== undefined)
    .sort();
  const verification = run.verification;
  const verifyingAt = firstOf(sorted, 'verifying')?.at ?? verification?.startedAt;
  const endEvent = lastOf(sorted, run.status);
  const finishedAt =
    endEvent?.at ?? (run.status === 'succeeded' || run.status === 'failed' ? (verification?.finishedAt ?? stepEnds.at(-1)) : undefined);

  const milestones: Milestone[] = [];
  if (deployedAt && rc?.release)
    milestones.push({ kind: 'deployed', at: deployedAt, label: `${rc.release.failedVersion} deployed (${rc.release.failedDeploymentId})` });
  for (const entry of incident) milestones.push({ kind: 'incident', at: entry.at, label: incidentLabel(entry) });
  const requester = firstOf(sorted, 'requested')?.actor ?? run.requestedBy;
  const lineage = run.plan.supersedes
    ? ` (${run.plan.supersedes.why === 'retry' ? 'retry' : 'refreshed plan'} of run ${run.plan.supersedes.runId})`
    : '';
  milestones.push({ kind: 'requested', at: requestedAt, label: `rollback requested by ${actorName(requester)}${lineage}` });
  for (const e of sorted.filter((x) => x.type === 'approval'))
    milestones.push({ kind: 'approval', at: e.at, label: `approval by ${actorName(e.actor)}` });
  if (approvedAt)
    milestones.push({ kind: 'approved', at: approvedAt, label: approvedEvent?.detail === 'auto-approved' ? 'auto-approved' : 'approved' });
  for (const kind of ['rejected', 'expired'] as const) {
    const e = firstOf(sorted, kind);
    if (e) milestones.push({ kind, at: e.at, label: `${kind} by ${actorName(e.actor)}` });
  }
  if (executingAt ?? stepStarts[0]) milestones.push({ kind: 'executing', at: (executingAt ?? stepStarts[0]) as string, label: 'rollback executing' });
  if (verifyingAt) milestones.push({ kind: 'verifying', at: verifyingAt, label: 'verification started' });
  milestones.push(...controlMilestones(sorted));
  if (finishedAt && ['succeeded', 'failed', 'interrupted', 'cancelled'].includes(run.status)) {
    milestones.push({ kind: run.status as MilestoneKind, at: finishedAt, label: endLabel(run, endEvent) });
  }
  milestones.sort((a, b) => a.at.localeCompare(b.at));

  const detectedAt = triggered?.at ?? requestedAt;
  const recoveredAt = run.status === 'succeeded' ? finishedAt : undefined;
  const rollbackEnd = stepEnds.length === run.stepResults.length ? stepEnds.at(-1) : undefined;
  const timeline: RunTimeline = {
    status: run.status,
    milestones,
    phases: [
      { name: 'Decision', span: 'requested → approved', ...ms(requestedAt, approvedAt) },
      { name: 'Pre-checks', span: 'approved → first step (drift check, evidence capture)', ...ms(approvedAt, stepStarts[0]) },
      { name: 'Rollback', span: 'first step → last step done', ...ms(stepStarts[0], rollbackEnd) },
      {
        name: 'Verification',
        span: 'rollout, health checks, smoke commands',
        ...ms(verification?.startedAt ?? verifyingAt, verification?.finishedAt),
      },
    ],
    steps: run.plan.steps.map((step) => {
      const result = run.stepResults.find((r) => r.index === step.index);
      return {
        index: step.index,
        component: step.component,
        description: step.description,
        status: result?.status ?? 'pending',
        ...ms(result?.startedAt, result?.finishedAt),
      };
    }),
    detectedAt,
    detectedBy: triggered ? 'incident' : 'request',
  };
  if (deployedAt) timeline.deployedAt = deployedAt;
  if (recoveredAt) timeline.recoveredAt = recoveredAt;
  assign(timeline, 'timeToDetectMs', between(deployedAt, detectedAt));
  assign(timeline, 'timeToRecoverMs', between(deployedAt, recoveredAt));
  assign(timeline, 'detectionToRecoveryMs', between(detectedAt, recoveredAt));
  assign(timeline, 'totalMs', between(requestedAt, finishedAt ?? firstOf(sorted, 'rejected')?.at ?? firstOf(sorted, 'expired')?.at));
  return timeline;
}

/** "14m 54s (deployed → verified)", or why there is no such number. */
export function recoveryText(t: RunTimeline): string {
  if (t.timeToRecoverMs !== undefined) return `${formatDuration(t.timeToRecoverMs)} (deployed → verified)`;
  if (t.recoveredAt) return `unknown: the failed deploy's time is not recorded (verified ${formatInstant(t.recoveredAt)})`;
  return `not recovered by this run (${t.status})`;
}

function ms(from: string | undefined, to: string | undefined): { ms?: number } {
  const value = between(from, to);
  return value === undefined || value < 0 ? {} : { ms: value };
}

function assign(t: RunTimeline, key: 'timeToDetectMs' | 'timeToRecoverMs' | 'detectionToRecoveryMs' | 'totalMs', value: number | undefined): void {
  if (value !== undefined && value >= 0) t[key] = value;
}
