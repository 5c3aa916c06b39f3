import { badRequest } from './api-error.js';
import { getPath } from './json-value.js';

export interface FieldTerm {
  field: string;
  value: string;
  negate: boolean;
}

/** Field paths whose name differs from where the value lives in the object. */
const FIELD_ALIASES: Record<string, string> = { source: 'source.component' };

/**
 * Parses `fieldSelector`. Only fields the resource supports are accepted, as on a real server
 * (which answers 400 "field label not supported"), so code that works here also works there.
 */
export function parseFieldSelector(text: string | null | undefined, supported: readonly string[]): FieldTerm[] {
  if (!text) return [];
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((term) => {
      const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
      if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
      const [, field = '', op, value = ''] = m;
      const name = field.trim();
      if (!supported.includes(name)) throw badRequest(`field label not supported: ${name}`);
      return { field: name, value: value.trim(), negate: op === '!=' };
    });
}

export function matchesFields(object: unknown, terms: FieldTerm[]): boolean {
  return terms.every((t) => {
    const raw = getPath(object, FIELD_ALIASES[t.field] ?? t.field);
    const actual = raw === undefined || raw === null ? '' : String(raw);
    return t.negate ? actual !== t.value : actual === t.value;
  });
}
