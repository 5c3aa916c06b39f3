// Impact as far as the evidence knows it: which components, how many of the failed version's pods
// were down, for how long users had the failed version, and the error the evidence shows. No guesses
// about users or revenue: those are for the people writing the postmortem.
import type { Run } from '../model.js';
import { formatDuration, formatInstant } from './durations.js';
import type { RunTimeline } from './run-timeline.js';

export function impactLines(run: Run, timeline: RunTimeline): string[] {
  const rc = run.rootCause;
  const p = run.plan;
  const lines = [`Service ${p.service} (${p.environment}); components in the rollback plan: ${p.components.join(', ') || 'none'}.`];
  const byComponent = new Map<string, NonNullable<typeof rc>['pods']>();
  for (const pod of rc?.pods ?? []) byComponent.set(pod.component, [...(byComponent.get(pod.component) ?? []), pod]);
  for (const [component, pods] of byComponent) {
    const notReady = pods.filter((x) => !x.ready).length;
    const restarts = pods.reduce((n, x) => n + x.restarts, 0);
    const states = new Map<string, number>();
    for (const x of pods) {
      const state = x.waitingReason ?? x.scheduledFailure?.split(':')[0] ?? (x.ready ? 'Ready' : `${x.phase}, not ready`);
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    const stateText = [...states].map(([s, n]) => `${s} ×${n}`).join(', ');
    lines.push(
      `${component}: ${pods.length} pod(s) of ${p.fromVersion} seen before the rollback, ${notReady} not ready, ${restarts} restart(s) (${stateText}).`,
    );
  }
  if (timeline.timeToRecoverMs !== undefined) {
    lines.push(`${p.fromVersion} was live for ${formatDuration(timeline.timeToRecoverMs)} (deployed → verified rollback).`);
  } else if (timeline.deployedAt) {
    lines.push(`${p.fromVersion} was deployed at ${formatInstant(timeline.deployedAt)}; the service is not verified as recovered (${run.status}).`);
  }
  const trigger = rc?.incident?.entries.find((e) => /trigger/i.test(e.type))?.summary ?? p.incident?.title;
  if (trigger) lines.push(`Alert: ${trigger}`);
  const top = rc?.causes[0];
  if (top?.evidence[0]) lines.push(`Error evidence: ${top.evidence[0]}`);
  else if (rc) lines.push("No error evidence in the cluster: the failed version's pods showed no crash, OOM, pull, scheduling or probe failure.");
  else lines.push('No evidence of the failed version was collected.');
  if (rc?.omitted && (rc.omitted.pods > 0 || rc.omitted.warnings > 0)) {
    lines.push(`Evidence was bounded: ${rc.omitted.pods} more pod(s) and ${rc.omitted.warnings} more warning event(s) were not collected.`);
  }
  return lines;
}
