// Configuration rolled back with the code: a template rollback puts back the *reference* to a
// ConfigMap, not its contents. The target's snapshot (taken when it was recorded) says what it ran with;
// each ConfigMap that differs now gets a restore step, and each Secret that changed since is a warning.
import type { ConfigState, Deployment, SafetyCheck, StepAction } from './model.js';
import { looksSecret } from './scrub.js';

// Shown to people: one write and a re-read.
const RESTORE_SECONDS = 2;
const MAX_SHOWN_VALUE = 40;
const MAX_DIFF_LINES = 12;

type Draft = StepAction & { component: string; description: string; expectedSeconds: number };

export interface KeyChange {
  key: string;
  /** Now in the cluster; undefined: the restore adds the key. */
  now?: string;
  /** As the target ran; undefined: the restore removes the key. */
  then?: string;
}

/** Key-level differences, sorted by key: what the restore changes. */
/**
 * A ConfigMap value is anyone's text: shown as look-alikes, it can neither close the code span it is
 * shown in nor become markup (a mention, a link) wherever the plan is rendered.
 */
function inert(value: string): string {
  return value.replace(/[<>&`\n\r]/g, (c) => ({ '<': '‹', '>': '›', '&': '＆', '`': 'ʹ', '\n': ' ', '\r': ' ' })[c] ?? c);
}

export function configDiff(now: Record<string, string>, then: Record<string, string>): KeyChange[] {
  const keys = [...new Set([...Object.keys(now), ...Object.keys(then)])].sort();
  return keys
    .filter((k) => now[k] !== then[k])
    .map((key) => ({ key, ...(now[key] !== undefined ? { now: now[key] } : {}), ...(then[key] !== undefined ? { then: then[key] } : {}) }));
}

/** One line per change; values of keys (or values) that look secret are never shown. */
export function describeChange(c: KeyChange): string {
  const secret = looksSecret(c.key, c.now ?? '') || looksSecret(c.key, c.then ?? '');
  const show = (v: string) => (secret ? '(masked)' : `\`${inert(v.length > MAX_SHOWN_VALUE ? `${v.slice(0, MAX_SHOWN_VALUE)}…` : v)}\``);
  if (c.now === undefined) return `\`${c.key}\` added back: ${show(c.then!)}`;
  if (c.then === undefined) return `\`${c.key}\` removed (now ${show(c.now)})`;
  return `\`${c.key}\`: ${show(c.now)} → ${show(c.then)}`;
}

export function configRestore(target: Deployment, config: ConfigState | undefined, component: string): { steps: Draft[]; checks: SafetyCheck[] } {
  const snapshot = target.config;
  if (!snapshot || !config) return { steps: [], checks: [] };
  const steps: Draft[] = [];
  const checks: SafetyCheck[] = [];
  for (const [name, then] of Object.entries(snapshot.configMaps).sort(([a], [b]) => a.localeCompare(b))) {
    const now = config.configMaps[name];
    if (!now) {
      checks.push({
        id: `config_${name}`,
        outcome: 'warn',
        message: `ConfigMap ${name}, which \`${target.version}\` ran with, does not exist now: the rollback cannot restore it; recreate it by hand.`,
      });
      continue;
    }
    const changes = configDiff(now.data, then);
    if (changes.length === 0) continue;
    const lines = changes.slice(0, MAX_DIFF_LINES).map(describeChange);
    if (changes.length > MAX_DIFF_LINES) lines.push(`and ${changes.length - MAX_DIFF_LINES} more key(s)`);
    steps.push({
      kind: 'config_restore',
      configMap: name,
      data: then,
      resourceVersion: now.resourceVersion,
      component,
      description: `Restore ConfigMap \`${name}\` to what \`${target.version}\` ran with (only if still at resourceVersion ${now.resourceVersion}): ${lines.join('; ')}.`,
      expectedSeconds: RESTORE_SECONDS,
    });
    checks.push({
      id: `config_${name}`,
      outcome: 'warn',
      message: `ConfigMap ${name} changed since \`${target.version}\` (${changes.length} key(s)): the plan restores it before the template.`,
    });
  }
  for (const { name, why } of snapshot.skipped ?? []) {
    checks.push({
      id: `config_${name}`,
      outcome: 'warn',
      message: `ConfigMap ${name} was not snapshotted when \`${target.version}\` was recorded (${why}): its contents are not restored.`,
    });
  }
  for (const [name, hash] of Object.entries(snapshot.secrets).sort(([a], [b]) => a.localeCompare(b))) {
    const now = config.secrets[name];
    if (now === undefined) continue;
    if (now === 'unreadable' || hash === 'unreadable') {
      checks.push({
        id: `secret_${name}`,
        outcome: 'warn',
        message: `Secret ${name} could not be compared with what \`${target.version}\` ran with: the bot may not read Secrets (deploy/kubernetes/components/secret-hashes).`,
      });
      continue;
    }
    if (now === hash) continue;
    checks.push({
      id: `secret_${name}`,
      outcome: 'warn',
      message: `Secret ${name} changed since \`${target.version}\` was recorded: the rollback does not restore Secrets; check it by hand.`,
    });
  }
  return { steps, checks };
}
