// Evidence → probable causes. Every cause names the evidence behind it; no evidence, no cause.
import type { Evidence, LogEvidence, PodEvidence, ProbableCause, RootCause } from './model.js';
import { scrubSecrets } from './scrub.js';

const MAX_EVIDENCE_LINES = 5;

export function analyseRootCause(raw: Evidence): RootCause {
  // Logs and event messages come from the application: scrub them before anything quotes them.
  const evidence: Evidence = {
    ...raw,
    logs: raw.logs.map((l): LogEvidence => ({ ...l, lines: l.lines.map(scrubSecrets) })),
    warnings: raw.warnings.map((w) => ({ ...w, message: scrubSecrets(w.message) })),
  };
  const causes = [
    oomKilled(evidence.pods),
    imagePull(evidence.pods),
    crashLoop(evidence),
    unschedulable(evidence.pods),
    notReady(evidence),
  ].filter((c): c is ProbableCause => c !== undefined);
  return { causes, pods: evidence.pods, warnings: evidence.warnings, lastLogLines: evidence.logs };
}

function podLine(p: PodEvidence): string {
  const state = p.waitingReason ?? p.phase;
  const last = p.lastTerminationReason ? `, last terminated ${p.lastTerminationReason} (exit ${p.lastExitCode ?? '?'})` : '';
  return `pod ${p.name} (${p.image}): ${state}, ${p.restarts} restart(s)${last}`;
}

function oomKilled(pods: PodEvidence[]): ProbableCause | undefined {
  const hit = pods.filter((p) => p.lastTerminationReason === 'OOMKilled' || p.lastExitCode === 137);
  if (hit.length === 0) return undefined;
  return {
    summary: 'The new version runs out of memory: containers were OOMKilled (exit 137). Check its memory limit and for a leak.',
    confidence: 'high',
    evidence: hit.slice(0, MAX_EVIDENCE_LINES).map(podLine),
  };
}

function imagePull(pods: PodEvidence[]): ProbableCause | undefined {
  const hit = pods.filter((p) => p.waitingReason === 'ImagePullBackOff' || p.waitingReason === 'ErrImagePull');
  if (hit.length === 0) return undefined;
  return {
    summary: `The image cannot be pulled (${[...new Set(hit.map((p) => p.image))].join(', ')}): check the tag exists and the pull secret.`,
    confidence: 'high',
    evidence: hit.slice(0, MAX_EVIDENCE_LINES).map(podLine),
  };
}

function crashLoop(evidence: Evidence): ProbableCause | undefined {
  const hit = evidence.pods.filter((p) => p.waitingReason === 'CrashLoopBackOff' && p.lastTerminationReason !== 'OOMKilled' && p.lastExitCode !== 137);
  if (hit.length === 0) return undefined;
  const logLines = evidence.logs
    .filter((l) => hit.some((p) => p.name === l.pod))
    .map((l) => `last log of ${l.pod}: ${l.lines[l.lines.length - 1] ?? '(empty)'}`);
  return {
    summary: 'The new version crashes on start (CrashLoopBackOff). Its last log lines say why.',
    confidence: 'high',
    evidence: [...hit.slice(0, MAX_EVIDENCE_LINES).map(podLine), ...logLines.slice(0, 2)],
  };
}

function unschedulable(pods: PodEvidence[]): ProbableCause | undefined {
  const hit = pods.filter((p) => p.scheduledFailure !== undefined);
  if (hit.length === 0) return undefined;
  return {
    summary: 'Pods of the new version never scheduled: the cluster lacks capacity or the pods ask for what no node has.',
    confidence: 'high',
    evidence: hit.slice(0, MAX_EVIDENCE_LINES).map((p) => `pod ${p.name}: ${p.scheduledFailure}`),
  };
}

function notReady(evidence: Evidence): ProbableCause | undefined {
  const probeWarnings = evidence.warnings.filter((w) => w.reason === 'Unhealthy');
  const running = evidence.pods.filter((p) => p.phase === 'Running' && !p.ready && p.waitingReason === undefined);
  if (probeWarnings.length === 0 || running.length === 0) return undefined;
  return {
    summary: 'The new version runs but never becomes ready: its readiness probe fails.',
    confidence: 'medium',
    evidence: [
      ...running.slice(0, 3).map(podLine),
      ...probeWarnings.slice(0, 2).map((w) => `${w.object}: ${w.reason} ×${w.count}: ${w.message}`),
    ],
  };
}
