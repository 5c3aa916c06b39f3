// Causes read from what changed (the pod template diff and the deployment records) rather than from
// what the pods did. A change alone is weak evidence; a change the crash log names is strong.
import type { ComponentDiff, Evidence, ProbableCause } from '../evidence.js';
import { configHashLine, configRefLines, envLines, migrationLine, probeLine, resourceDirection, resourceLine } from './diff-lines.js';
import { bounded } from './evidence-lines.js';

const MAX_LINES = 6;

/** What the pod-state analysis found, which decides how much a change is likely to matter. */
export interface Symptoms {
  /** Pods of the failed version crashed, were killed or never became ready. */
  failing: boolean;
  oom: boolean;
  probeFailing: boolean;
}

export interface ChangeCause extends ProbableCause {
  /** The logs or events name what changed: the change explains the symptom, so it ranks first. */
  linked: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bareName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Log and event lines that mention one of `names`, quoted as evidence. */
function mentions(evidence: Evidence, names: string[]): string[] {
  const patterns = names
    .map(bareName)
    .filter((n) => n.length >= 3)
    .map((n) => new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(n)}($|[^A-Za-z0-9_])`));
  if (patterns.length === 0) return [];
  const hits: string[] = [];
  for (const log of evidence.logs) {
    const line = [...log.lines].reverse().find((l) => patterns.some((p) => p.test(l)));
    if (line) hits.push(bounded(`log of ${log.pod}/${log.container}: ${line}`));
  }
  for (const w of evidence.warnings) {
    if (patterns.some((p) => p.test(w.message))) hits.push(bounded(`${w.object}: ${w.reason}: ${w.message}`));
  }
  return hits.slice(0, 2);
}

export function configChange(evidence: Evidence, symptoms: Symptoms): ChangeCause | undefined {
  const diffs = evidence.diff?.components ?? [];
  const lines = diffs.flatMap((d) => [
    ...envLines(d.component, d.env),
    ...configRefLines(d.component, d.configRefs),
    ...d.configHashes.map((c) => configHashLine(d.component, c)),
  ]);
  if (lines.length === 0) return undefined;
  const changedNames = diffs.flatMap((d) => [...d.env.removed, ...d.env.added, ...d.env.changed, ...d.configRefs.removed, ...d.configRefs.added]);
  const named = mentions(evidence, changedNames);
  const removed = diffs.some((d) => d.env.removed.length > 0 || d.configRefs.removed.length > 0);
  const confidence = named.length > 0 ? 'high' : removed || symptoms.failing ? 'medium' : 'low';
  const what = summariseConfig(diffs);
  const summary =
    named.length > 0
      ? `The configuration changed with this deploy (${what}) and the failed pods' own output names it: restore or fix it.`
      : removed
        ? `The configuration changed with this deploy (${what}): something the last good version had is gone.`
        : `The configuration changed with this deploy (${what})${symptoms.failing ? ' and the new pods failed right after' : ''}.`;
  return { kind: 'config_change', summary, confidence, evidence: [...named, ...lines.slice(0, MAX_LINES - named.length)], linked: named.length > 0 };
}

function summariseConfig(diffs: ComponentDiff[]): string {
  const count = (pick: (d: ComponentDiff) => string[]) => diffs.reduce((n, d) => n + pick(d).length, 0);
  const env = (
    [
      ['removed', count((d) => d.env.removed)],
      ['added', count((d) => d.env.added)],
      ['changed', count((d) => d.env.changed)],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${what}`);
  const refs = count((d) => [...d.configRefs.added, ...d.configRefs.removed]);
  return [
    ...(env.length > 0 ? [`env vars ${env.join(', ')}`] : []),
    ...(refs > 0 ? [`${refs} ConfigMap/Secret reference(s)`] : []),
    ...(diffs.some((d) => d.configHashes.length > 0) ? ['config checksum'] : []),
  ].join('; ');
}

export function resourcesLowered(evidence: Evidence, symptoms: Symptoms): ChangeCause | undefined {
  const lowered = (evidence.diff?.components ?? []).flatMap((d) =>
    d.resources
      .filter((c) => resourceDirection(c) === 'lowered' || (resourceDirection(c) === 'added' && c.field.startsWith('limits.')))
      // The OOM cause already quotes a lowered memory limit; saying it twice adds nothing.
      .filter((c) => !(symptoms.oom && c.field === 'limits.memory'))
      .map((c) => resourceLine(d.component, c)),
  );
  if (lowered.length === 0) return undefined;
  const confidence = symptoms.failing ? 'medium' : 'low';
  return {
    kind: 'resources_lowered',
    summary: `Resource requests or limits were lowered with this deploy${symptoms.probeFailing ? ': a starved container answers its probes late' : ''}.`,
    confidence,
    evidence: lowered.slice(0, MAX_LINES),
    linked: false,
  };
}

const SCHEMA_WORDS = /\b(relation|column|table|schema|migration|constraint|index)\b/i;

export function migration(evidence: Evidence): ChangeCause | undefined {
  const migrations = evidence.release?.migrations ?? [];
  if (migrations.length === 0) return undefined;
  const schemaErrors = [
    ...evidence.logs.flatMap((l) =>
      l.lines
        .filter((line) => SCHEMA_WORDS.test(line))
        .slice(-1)
        .map((line) => bounded(`log of ${l.pod}/${l.container}: ${line}`)),
    ),
    ...evidence.warnings.filter((w) => SCHEMA_WORDS.test(w.message)).map((w) => bounded(`${w.object}: ${w.reason}: ${w.message}`)),
  ].slice(0, 2);
  const risky = migrations.some((m) => !m.reversible || m.destructive || m.mayLoseData);
  return {
    kind: 'migration',
    summary:
      schemaErrors.length > 0
        ? 'A database migration shipped with this deploy and the failed pods report schema errors: check the migration against the code.'
        : 'A database migration shipped with this deploy: if the errors are in queries, check it.',
    confidence: schemaErrors.length > 0 || risky ? 'medium' : 'low',
    evidence: [...migrations.slice(0, MAX_LINES - schemaErrors.length).map(migrationLine), ...schemaErrors],
    linked: false,
  };
}

/** A probe the failed version changed, quoted under the probe cause it may explain. */
export function probeChangeLines(evidence: Evidence, probe: 'readinessProbe' | 'livenessProbe' | 'startupProbe'): string[] {
  return (evidence.diff?.components ?? []).flatMap((d) => d.probes.filter((c) => c.field === probe).map((c) => probeLine(d.component, c)));
}

export function memoryLimitLines(evidence: Evidence): string[] {
  return (evidence.diff?.components ?? []).flatMap((d) =>
    d.resources
      .filter((c) => c.field === 'limits.memory' && ['lowered', 'added'].includes(resourceDirection(c)))
      .map((c) => resourceLine(d.component, c)),
  );
}

/** Requests the failed version raised: what a pod that never schedules asks for. */
export function raisedRequestLines(evidence: Evidence): string[] {
  return (evidence.diff?.components ?? []).flatMap((d) =>
    d.resources
      .filter((c) => c.field.startsWith('requests.') && ['raised', 'added'].includes(resourceDirection(c)))
      .map((c) => resourceLine(d.component, c)),
  );
}
