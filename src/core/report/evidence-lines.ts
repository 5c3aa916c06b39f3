// How one piece of evidence is quoted as a line under a cause. Bounded: a line is read in Slack.
import type { EventEvidence, LogEvidence, PodEvidence } from '../evidence.js';

const MAX_LINE = 300;

export function bounded(text: string, max = MAX_LINE): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

const QUIET_REASONS = new Set(['CrashLoopBackOff', 'ContainerCreating', 'PodInitializing']);

export function podLine(p: PodEvidence): string {
  const state = p.waitingReason ?? (p.phase === 'Running' && !p.ready ? 'Running, not ready' : p.phase);
  const last =
    p.lastTerminationReason || p.lastExitCode !== undefined
      ? `, last terminated ${p.lastTerminationReason ?? 'with'} (exit ${p.lastExitCode ?? '?'})`
      : '';
  // CrashLoopBackOff's message only repeats the back-off timer; the others say what is wrong.
  const why = p.waitingMessage && !QUIET_REASONS.has(p.waitingReason ?? '') ? ` — ${p.waitingMessage}` : '';
  return bounded(`pod ${p.name} (${p.image}): ${state}, ${p.restarts} restart(s)${last}${why}`);
}

export function eventLine(w: EventEvidence): string {
  return bounded(`${w.object}: ${w.reason} ×${w.count}: ${w.message}`);
}

// The line that says why, when there is one: errors beat the banner a process prints on start.
const TELLING =
  /\b(fatal|panic|error|exception|refused|denied|forbidden|not found|no such|does not exist|missing|required|invalid|cannot|can't|unable|failed|out of memory|oom|killed|timeout|timed out)\b/i;

export function tellingLine(lines: string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line !== undefined && TELLING.test(line)) return line;
  }
  return lines[lines.length - 1];
}

export function logLine(l: LogEvidence): string | undefined {
  const line = tellingLine(l.lines);
  return line === undefined ? undefined : bounded(`last log of ${l.pod}/${l.container}: ${line}`);
}

const INCIDENT_TYPES: Record<string, string> = {
  trigger: 'triggered',
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  annotate: 'note',
  escalate: 'escalated',
  assign: 'assigned',
  notify: 'notified',
};

/** PagerDuty's `trigger_log_entry` as people say it: "triggered". */
export function incidentEntryType(type: string): string {
  const base = type.replace(/_log_entry$/, '');
  return INCIDENT_TYPES[base] ?? base.replaceAll('_', ' ');
}

/** Said when the cluster could not be read before the rollback: what follows rests on the records only. */
export function clusterEvidenceMissing(rc: { diff?: unknown; pods: unknown[]; warnings: unknown[]; lastLogLines: unknown[] }): boolean {
  return rc.diff === undefined && rc.pods.length === 0 && rc.warnings.length === 0 && rc.lastLogLines.length === 0;
}

export const CLUSTER_EVIDENCE_MISSING =
  "The cluster's evidence (pods, events, logs, template diff) could not be collected before the rollback; what follows rests on the deployment records only.";
