// What the bot asks of Alertmanager, and the rules for its silences: which alerts a run quiets, how a
// silence names its run (so a restart, another replica or the reconciler can find it again), and
// when it must end. Pure: the Alertmanager client is a port the adapter implements.
import type { Run, RunStatus } from '../model.js';
import type { AlertmanagerPolicy, SilenceMatcher } from '../service.js';

/** `createdBy` of every silence the bot creates; together with the comment prefix, how it finds its own. */
export const SILENCE_AUTHOR = 'smartspec-rollback';
const COMMENT_PREFIX = `${SILENCE_AUTHOR} run `;

export type SilenceState = 'active' | 'pending' | 'expired';

export interface Silence {
  id: string;
  state: SilenceState;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface NewSilence {
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** Alertmanager's v2 silences API. Failures throw (with a message safe to log and show). */
export interface AlertmanagerClient {
  /** Returns the new silence's id. */
  createSilence(url: string, silence: NewSilence, signal: AbortSignal): Promise<string>;
  /** Every silence Alertmanager holds, expired ones included. */
  listSilences(url: string, signal: AbortSignal): Promise<Silence[]>;
  /** Ends the silence now. An id Alertmanager no longer knows counts as ended. */
  expireSilence(url: string, id: string, signal: AbortSignal): Promise<void>;
  /** Moves a live silence's end (Alertmanager updates an active silence in place when only its end changes). */
  extendSilence(url: string, silence: Silence, endsAt: string, signal: AbortSignal): Promise<void>;
}

/** While a run is in one of these, its silence stays; in any other status it must be gone. */
export const SILENCED_STATUSES: readonly RunStatus[] = ['executing', 'verifying'];

export function silenceFor(run: Run, policy: AlertmanagerPolicy, now: Date, link: string | undefined): NewSilence {
  const { plan } = run;
  return {
    matchers: policy.matchers.map((m) => ({ ...m })),
    startsAt: now.toISOString(),
    // A bound, not the plan: the bot ends the silence when the run ends. If the bot itself is gone for
    // good, Alertmanager ends it here, so a crash can never keep a service quiet indefinitely.
    endsAt: new Date(now.getTime() + policy.maxMinutes * 60_000).toISOString(),
    createdBy: SILENCE_AUTHOR,
    comment: `${COMMENT_PREFIX}${run.id}: rolling back ${plan.service} (${plan.environment}) ${plan.fromVersion} → ${plan.toVersion}; ended by the bot when the run ends.${link ? ` ${link}` : ''}`,
  };
}

/** The run a silence belongs to, when the bot created it; undefined for everyone else's silences. */
export function runIdOf(silence: Pick<Silence, 'createdBy' | 'comment'>): string | undefined {
  if (silence.createdBy !== SILENCE_AUTHOR || !silence.comment.startsWith(COMMENT_PREFIX)) return undefined;
  const id = silence.comment.slice(COMMENT_PREFIX.length).split(':', 1)[0];
  return id && /^[A-Za-z0-9_.-]+$/.test(id) ? id : undefined;
}

/** The bot's silences for this run that still silence (or will). */
export function liveSilencesOf(silences: Silence[], runId: string): Silence[] {
  return silences.filter((s) => s.state !== 'expired' && runIdOf(s) === runId);
}

/**
 * What the reconciler does with one of the bot's live silences: keep it while its run is active,
 * end it otherwise. A silence naming a run this store does not know is left alone: another
 * installation of the bot may share the Alertmanager, and the silence ends by itself at `endsAt`.
 */
export function reconcileAction(_silence: Silence, run: Pick<Run, 'status'> | undefined): 'keep' | 'expire' | 'foreign' {
  if (!run) return 'foreign';
  return SILENCED_STATUSES.includes(run.status) ? 'keep' : 'expire';
}

/**
 * A run still active whose silence is past half its life gets a new end, `maxMinutes` from now: a
 * long rollback stays quiet while the bot lives, and a silence still lapses within `maxMinutes` of
 * the bot's last sweep if the bot is gone for good.
 */
export function extendedEnd(silence: Pick<Silence, 'endsAt'>, policy: Pick<AlertmanagerPolicy, 'maxMinutes'>, now: Date): string | undefined {
  const leftMs = Date.parse(silence.endsAt) - now.getTime();
  if (leftMs > (policy.maxMinutes * 60_000) / 2) return undefined;
  return new Date(now.getTime() + policy.maxMinutes * 60_000).toISOString();
}

/** The PromQL-style text of a matcher, as Alertmanager's UI and amtool show it: `service=~"checkout|cart"`. */
export function formatMatcher(m: SilenceMatcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
