// Alertmanager's own rules for a silence (v0.25, silence/silence.go and api/v2), so the emulator
// refuses what the real server refuses, with the same status and message.
import { z } from 'zod';

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface StoredSilence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  updatedAt: Date;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'active' | 'pending' | 'expired';

/** An answer the HTTP layer sends as is: go-swagger's `{code, message}` or the handler's bare string. */
export interface Refusal {
  status: number;
  body: unknown;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// go-swagger checks presence and types before the handler runs; the messages copy its wording.
const matcherSchema = z.object({
  name: z.string({ error: 'name in body is required' }),
  value: z.string({ error: 'value in body is required' }),
  isRegex: z.boolean({ error: 'isRegex in body is required' }),
  isEqual: z.boolean().default(true),
});
const postableSchema = z.object({
  id: z.string().optional(),
  matchers: z.array(matcherSchema, { error: 'matchers in body is required' }).min(1, { error: 'matchers in body should have at least 1 items' }),
  startsAt: z.string({ error: 'startsAt in body is required' }),
  endsAt: z.string({ error: 'endsAt in body is required' }),
  createdBy: z.string({ error: 'createdBy in body is required' }),
  comment: z.string({ error: 'comment in body is required' }),
});

export interface PostableSilence {
  id?: string;
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/** Body → silence, or the refusal the real server gives (422 for schema, 400 for parsing). */
export function parsePostable(body: unknown): PostableSilence | Refusal {
  const parsed = postableSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const message =
      issue.message.includes(' in body ') && path.includes('.') ? `${path.replace(/\.(name|value|isRegex)$/, '')}.${issue.message}` : issue.message;
    return { status: 422, body: { code: issue.code === 'too_small' ? 612 : 602, message } };
  }
  const startsAt = new Date(parsed.data.startsAt);
  const endsAt = new Date(parsed.data.endsAt);
  for (const [field, date] of [
    ['startsAt', startsAt],
    ['endsAt', endsAt],
  ] as const) {
    if (Number.isNaN(date.getTime())) {
      return {
        status: 400,
        body: { code: 400, message: `parsing silence body from "" failed, because parsing time "${parsed.data[field]}": not an RFC 3339 date-time` },
      };
    }
  }
  return {
    ...(parsed.data.id ? { id: parsed.data.id } : {}),
    matchers: parsed.data.matchers,
    startsAt,
    endsAt,
    createdBy: parsed.data.createdBy,
    comment: parsed.data.comment,
  };
}

/** silence.validateSilence: every matcher valid, and not all of them matching the empty string. */
export function validateSilence(silence: PostableSilence): string | undefined {
  let allMatchEmpty = true;
  for (const [i, m] of silence.matchers.entries()) {
    if (!LABEL_NAME.test(m.name)) return `silence invalid: invalid label matcher ${i}: invalid label name "${m.name}"`;
    if (m.isRegex) {
      const compiled = compileRegex(m.value);
      if (typeof compiled === 'string') return `silence invalid: invalid label matcher ${i}: invalid regular expression "${m.value}": ${compiled}`;
    }
    allMatchEmpty &&= matchesEmpty(m);
  }
  if (allMatchEmpty) return 'silence invalid: at least one matcher must not match the empty string';
  return undefined;
}

/** A negative matcher never counts as matching everything (matchesEmpty in silence.go). */
function matchesEmpty(m: SilenceMatcher): boolean {
  if (!m.isEqual) return false;
  if (!m.isRegex) return m.value === '';
  const compiled = compileRegex(m.value);
  return typeof compiled !== 'string' && compiled.test('');
}

/** Alertmanager anchors label regexes: `^(?:re)$`. JavaScript's syntax stands in for RE2's. */
export function compileRegex(pattern: string): RegExp | string {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function stateOf(silence: StoredSilence, now: Date): SilenceState {
  if (now < silence.startsAt) return 'pending';
  if (now >= silence.endsAt) return 'expired';
  return 'active';
}

/** GET /silences?filter=…: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
export function parseFilter(text: string): SilenceMatcher | undefined {
  const match = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
  if (!match) return undefined;
  const op = match[2]!;
  const value = match[3]!.replace(/\\(.)/g, '$1');
  return { name: match[1]!, value, isRegex: op.includes('~'), isEqual: !op.startsWith('!') };
}

export function matcherMatches(m: SilenceMatcher, labels: Record<string, string>): boolean {
  const value = labels[m.name] ?? '';
  let hit: boolean;
  if (m.isRegex) {
    const re = compileRegex(m.value);
    hit = typeof re !== 'string' && re.test(value);
  } else {
    hit = value === m.value;
  }
  return m.isEqual ? hit : !hit;
}

/** A silence passes a filter when its own matchers, read as labels, satisfy every filter matcher. */
export function silenceMatchesFilter(silence: StoredSilence, filters: SilenceMatcher[]): boolean {
  const labels = Object.fromEntries(silence.matchers.map((m) => [m.name, m.value]));
  return filters.every((f) => matcherMatches(f, labels));
}
