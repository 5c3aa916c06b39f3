// One wording for "what changed between the target and the failed version", shared by the RCA's
// evidence lines, the Slack thread, the Markdown report and the CLI tree. Env values never appear.
import type { ComponentDiff, EnvNameChanges, ReleaseDiff, TemplateDiff, ValueChange } from '../evidence.js';
import type { Migration } from '../model.js';
import { compareQuantities } from './quantity.js';

const HASH_SHOWN = 12;

export function isEmptyEnv(env: EnvNameChanges): boolean {
  return env.added.length === 0 && env.removed.length === 0 && env.changed.length === 0;
}

// "checkout-api: limits.memory lowered": naming the container only when it is not the component's namesake.
function of(change: ValueChange, component: string): string {
  return change.container && change.container !== component ? ` of ${change.container}` : '';
}

function names(list: string[]): string {
  return list.map((n) => `\`${n}\``).join(', ');
}

export function imageLine(component: string, c: ValueChange): string {
  return `${component}: image${of(c, component)} ${c.target ?? 'none'} → ${c.failed ?? 'none'}`;
}

export function envLines(component: string, env: EnvNameChanges): string[] {
  const lines: string[] = [];
  const plural = (list: string[]) => (list.length === 1 ? 'env var' : 'env vars');
  if (env.removed.length > 0) lines.push(`${component}: ${plural(env.removed)} ${names(env.removed)} removed (set in the target version)`);
  if (env.added.length > 0) lines.push(`${component}: ${plural(env.added)} ${names(env.added)} added`);
  if (env.changed.length > 0) lines.push(`${component}: ${plural(env.changed)} ${names(env.changed)} changed (values not shown)`);
  return lines;
}

export function resourceDirection(c: ValueChange): 'lowered' | 'raised' | 'added' | 'removed' | 'changed' {
  if (c.target === undefined) return 'added';
  if (c.failed === undefined) return 'removed';
  const cmp = compareQuantities(c.target, c.failed);
  return cmp === -1 ? 'lowered' : cmp === 1 ? 'raised' : 'changed';
}

export function resourceLine(component: string, c: ValueChange): string {
  return `${component}: ${c.field}${of(c, component)} ${resourceDirection(c)} ${c.target ?? 'none'} → ${c.failed ?? 'none'}`;
}

export function probeLine(component: string, c: ValueChange): string {
  if (c.target === undefined) return `${component}: ${c.field}${of(c, component)} added (${c.failed ?? ''})`;
  if (c.failed === undefined) return `${component}: ${c.field}${of(c, component)} removed (was ${c.target})`;
  return `${component}: ${c.field}${of(c, component)} changed ${c.target} → ${c.failed}`;
}

function shortHash(value: string | undefined): string {
  if (value === undefined) return 'none';
  return value.length > HASH_SHOWN ? `${value.slice(0, HASH_SHOWN)}…` : value;
}

export function configHashLine(component: string, c: ValueChange): string {
  return `${component}: config checksum ${c.field} changed ${shortHash(c.target)} → ${shortHash(c.failed)}`;
}

export function configRefLines(component: string, refs: ComponentDiff['configRefs']): string[] {
  const lines: string[] = [];
  if (refs.removed.length > 0) lines.push(`${component}: no longer loads ${names(refs.removed)}`);
  if (refs.added.length > 0) lines.push(`${component}: newly loads ${names(refs.added)}`);
  return lines;
}

/** Every change of one component, most telling first; images last (they change in every deploy). */
export function componentDiffLines(d: ComponentDiff, includeImages = true): string[] {
  return [
    ...envLines(d.component, d.env),
    ...configRefLines(d.component, d.configRefs),
    ...d.configHashes.map((c) => configHashLine(d.component, c)),
    ...d.resources.map((c) => resourceLine(d.component, c)),
    ...d.probes.map((c) => probeLine(d.component, c)),
    ...(d.replicas ? [`${d.component}: replicas ${d.replicas.target} → ${d.replicas.failed}`] : []),
    ...(includeImages ? d.images.map((c) => imageLine(d.component, c)) : []),
  ];
}

export function templateDiffLines(diff: TemplateDiff | undefined, includeImages = true): string[] {
  return diff ? diff.components.flatMap((d) => componentDiffLines(d, includeImages)) : [];
}

export function migrationLine(m: Migration): string {
  const traits = [
    m.reversible ? 'reversible' : 'irreversible',
    ...(m.destructive ? ['destructive'] : []),
    ...(m.mayLoseData ? ['may lose data'] : []),
  ];
  return `migration ${m.id} (${traits.join(', ')})`;
}

export function releaseLines(release: ReleaseDiff | undefined): string[] {
  if (!release) return [];
  const sha =
    release.failedGitSha && release.targetGitSha && release.failedGitSha !== release.targetGitSha
      ? [`git ${release.targetGitSha} → ${release.failedGitSha}`]
      : [];
  return [...sha, ...release.migrations.map(migrationLine)];
}
