// Evidence → ranked probable causes. Every cause names the evidence behind it; no evidence, no cause,
// and "no cause identified" (an empty list) is an honest answer, never filled with a guess.
import type { CauseKind, EventEvidence, Evidence, PodEvidence, ProbableCause, RootCause } from './evidence.js';
import {
  configChange,
  memoryLimitLines,
  migration,
  probeChangeLines,
  raisedRequestLines,
  resourcesLowered,
  type ChangeCause,
} from './report/change-causes.js';
import { bounded, eventLine, logLine, podLine } from './report/evidence-lines.js';
import { scrubDeep } from './scrub.js';

const MAX_POD_LINES = 4;
const MAX_EVENT_LINES = 2;

type Ranked = ProbableCause & { linked?: boolean };

// Ties in confidence: the specific explanation before the symptom it explains.
const ORDER: Array<CauseKind | 'config_change_linked'> = [
  'oom',
  'image_pull',
  'container_config',
  'unschedulable',
  'config_change_linked',
  'crash_loop',
  'liveness_probe',
  'killed',
  'readiness_probe',
  'config_change',
  'resources_lowered',
  'migration',
];
const CONFIDENCE = { high: 0, medium: 1, low: 2 } as const;

export function analyseRootCause(raw: Evidence): RootCause {
  // Logs, event messages and even image names come from outside: scrub all of it before anything quotes it.
  const evidence = scrubDeep(raw);
  const pods = evidence.pods;
  const oom = oomKilled(evidence);
  const crash = crashLoop(evidence);
  const liveness = livenessProbe(evidence);
  const killed = liveness ? undefined : killedByKernel(pods);
  const readiness = readinessProbe(evidence);
  const symptoms = {
    failing: [oom, crash, liveness, killed, readiness].some((c) => c !== undefined),
    oom: oom !== undefined,
    probeFailing: liveness !== undefined || readiness !== undefined,
  };
  const causes: Ranked[] = [
    oom,
    imagePull(evidence),
    containerConfig(evidence),
    unschedulable(evidence),
    crash,
    liveness,
    killed,
    readiness,
    configChange(evidence, symptoms),
    resourcesLowered(evidence, symptoms),
    migration(evidence),
  ].filter((c): c is Ranked => c !== undefined && c.evidence.length > 0);
  causes.sort((a, b) => CONFIDENCE[a.confidence] - CONFIDENCE[b.confidence] || rank(a) - rank(b));
  return {
    causes: causes.map(({ linked: _linked, ...cause }) => cause),
    pods,
    warnings: evidence.warnings,
    lastLogLines: evidence.logs,
    ...(evidence.diff ? { diff: evidence.diff } : {}),
    ...(evidence.release ? { release: evidence.release } : {}),
    ...(evidence.incident ? { incident: evidence.incident } : {}),
    ...(evidence.omitted ? { omitted: evidence.omitted } : {}),
  };
}

function rank(c: Ranked): number {
  const key = c.kind === 'config_change' && (c as ChangeCause).linked ? 'config_change_linked' : c.kind;
  const i = key === undefined ? -1 : ORDER.indexOf(key);
  return i === -1 ? ORDER.length : i;
}

function podLines(pods: PodEvidence[]): string[] {
  const lines = pods.slice(0, MAX_POD_LINES).map(podLine);
  if (pods.length > MAX_POD_LINES) lines.push(`…and ${pods.length - MAX_POD_LINES} more pod(s) alike`);
  return lines;
}

function eventsWhere(evidence: Evidence, test: (w: EventEvidence) => boolean): string[] {
  return evidence.warnings.filter(test).slice(0, MAX_EVENT_LINES).map(eventLine);
}

function logsOf(evidence: Evidence, pods: PodEvidence[], max = 2): string[] {
  return evidence.logs
    .filter((l) => pods.some((p) => p.name === l.pod))
    .map(logLine)
    .filter((l): l is string => l !== undefined)
    .slice(0, max);
}

const isOom = (p: PodEvidence) => p.lastTerminationReason === 'OOMKilled';

function oomKilled(evidence: Evidence): ProbableCause | undefined {
  const hit = evidence.pods.filter(isOom);
  const events = eventsWhere(evidence, (w) => w.reason === 'OOMKilling' || /\bOOMKilled\b|out of memory/i.test(w.message));
  if (hit.length === 0 && events.length === 0) return undefined;
  const limits = memoryLimitLines(evidence);
  return {
    kind: 'oom',
    summary: `The new version runs out of memory: containers were OOMKilled (exit 137)${limits.length > 0 ? ' after its memory limit was lowered' : ''}. Raise the limit or fix the leak.`,
    confidence: 'high',
    evidence: [...podLines(hit), ...limits, ...events, ...logsOf(evidence, hit, 1)],
  };
}

function imagePull(evidence: Evidence): ProbableCause | undefined {
  const reasons = ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull'];
  const hit = evidence.pods.filter((p) => p.waitingReason !== undefined && reasons.includes(p.waitingReason));
  // The registry's own answer first: it says whether the tag is missing or access is denied.
  const events = [
    ...eventsWhere(evidence, (w) => /Failed to pull image/.test(w.message)),
    ...eventsWhere(evidence, (w) => !/Failed to pull image/.test(w.message) && /ErrImagePull|ImagePullBackOff/.test(w.message)),
  ].slice(0, MAX_EVENT_LINES);
  if (hit.length === 0 && events.length === 0) return undefined;
  const images = [...new Set(hit.map((p) => p.image))];
  return {
    kind: 'image_pull',
    summary: `The image cannot be pulled${images.length > 0 ? ` (${images.join(', ')})` : ''}: check that the tag exists and the pull secret.`,
    confidence: 'high',
    evidence: [...podLines(hit), ...events],
  };
}

function containerConfig(evidence: Evidence): ProbableCause | undefined {
  const reasons = ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'];
  const hit = evidence.pods.filter((p) => p.waitingReason !== undefined && reasons.includes(p.waitingReason));
  if (hit.length === 0) return undefined;
  return {
    kind: 'container_config',
    summary: 'The containers cannot even be created: a ConfigMap, Secret or key they reference is missing or invalid.',
    confidence: 'high',
    evidence: [...podLines(hit), ...eventsWhere(evidence, (w) => w.reason === 'Failed' && /not found|couldn't find|invalid/i.test(w.message))],
  };
}

function unschedulable(evidence: Evidence): ProbableCause | undefined {
  const hit = evidence.pods.filter((p) => p.scheduledFailure !== undefined);
  const events = eventsWhere(evidence, (w) => w.reason === 'FailedScheduling');
  if (hit.length === 0 && events.length === 0) return undefined;
  const raised = raisedRequestLines(evidence);
  return {
    kind: 'unschedulable',
    summary:
      raised.length > 0
        ? 'Pods of the new version never scheduled: they ask for more than any node has free, and this deploy raised their requests.'
        : 'Pods of the new version never scheduled: the cluster lacks capacity or the pods ask for what no node has.',
    confidence: 'high',
    evidence: [...hit.slice(0, MAX_POD_LINES).map((p) => bounded(`pod ${p.name}: Pending, ${p.scheduledFailure ?? ''}`)), ...raised, ...events].slice(
      0,
      6,
    ),
  };
}

function crashLoop(evidence: Evidence): ProbableCause | undefined {
  // Between two restarts a crashing pod shows Running: the restart count and last exit are the proof.
  const hit = evidence.pods.filter(
    (p) =>
      !isOom(p) && p.lastExitCode !== 137 && (p.waitingReason === 'CrashLoopBackOff' || (p.restarts > 0 && p.lastTerminationReason !== undefined)),
  );
  if (hit.length === 0) return undefined;
  const logs = logsOf(evidence, hit);
  // Caught between two crashes a pod shows Running; restarting again and again is the loop all the same.
  const looping = hit.some((p) => p.waitingReason === 'CrashLoopBackOff' || p.restarts >= 2);
  return {
    kind: 'crash_loop',
    summary: `The new version crashes on start${looping ? ' and restarts in a loop (CrashLoopBackOff)' : ''}. ${logs.length > 0 ? 'Its last log lines say why.' : 'It left no log lines: check its startup configuration.'}`,
    confidence: looping || logs.length > 0 ? 'high' : 'medium',
    evidence: [...podLines(hit), ...logs],
  };
}

const isLivenessEvent = (w: EventEvidence) =>
  (w.reason === 'Unhealthy' && /^Liveness probe/i.test(w.message)) || (w.reason === 'Killing' && /liveness probe/i.test(w.message));

function livenessProbe(evidence: Evidence): ProbableCause | undefined {
  const events = evidence.warnings.filter(isLivenessEvent);
  if (events.length === 0) return undefined;
  const restarted = evidence.pods.filter((p) => p.restarts > 0);
  const changed = probeChangeLines(evidence, 'livenessProbe');
  return {
    kind: 'liveness_probe',
    summary: `The liveness probe fails, so the kubelet ${restarted.length > 0 ? 'kills and restarts' : 'is about to restart'} the containers${changed.length > 0 ? '; the probe itself changed with this deploy' : ''}.`,
    confidence: restarted.length > 0 || changed.length > 0 ? 'high' : 'medium',
    evidence: [...events.slice(0, MAX_EVENT_LINES).map(eventLine), ...changed, ...podLines(restarted).slice(0, 2)],
  };
}

function killedByKernel(pods: PodEvidence[]): ProbableCause | undefined {
  const hit = pods.filter((p) => !isOom(p) && p.lastExitCode === 137);
  if (hit.length === 0) return undefined;
  return {
    kind: 'killed',
    summary: 'Containers were killed (exit 137, SIGKILL) without an OOM reason: a memory limit at the node level or a kill after a failed probe.',
    confidence: 'medium',
    evidence: podLines(hit),
  };
}

function readinessProbe(evidence: Evidence): ProbableCause | undefined {
  const events = evidence.warnings.filter((w) => w.reason === 'Unhealthy' && !/^(Liveness|Startup) probe/i.test(w.message));
  const notReady = evidence.pods.filter((p) => p.phase === 'Running' && !p.ready && p.waitingReason === undefined && p.restarts === 0);
  const changed = probeChangeLines(evidence, 'readinessProbe');
  if (notReady.length === 0 || (events.length === 0 && changed.length === 0)) return undefined;
  return {
    kind: 'readiness_probe',
    summary: `The new version runs but never becomes ready: its readiness probe fails${changed.length > 0 ? ', and the probe changed with this deploy' : ''}.`,
    confidence: changed.length > 0 && events.length > 0 ? 'high' : 'medium',
    evidence: [...podLines(notReady).slice(0, 3), ...changed, ...events.slice(0, MAX_EVENT_LINES).map(eventLine)],
  };
}
