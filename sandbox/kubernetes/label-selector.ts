import { badRequest } from './api-error.js';
import type { LabelSelector } from './kube-types.js';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Splits on commas that are not inside `in (a,b)` value lists. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

function checkKey(key: string, raw: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${raw}"`);
  return key;
}

function checkValue(value: string, raw: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in "${raw}"`);
  }
  return value;
}

function parseTerm(term: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch;
    const values = list.split(',').map((v) => checkValue(v.trim(), term));
    return { key: checkKey(key, term), operator: op === 'in' ? 'In' : 'NotIn', values };
  }
  const cmp = /^([^!=<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
  if (cmp) {
    const [, key = '', op, value = ''] = cmp;
    const v = checkValue(value.trim(), term);
    if (op === '>' || op === '<') {
      if (!/^-?\d+$/.test(v)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key: checkKey(key, term), operator: op === '>' ? 'Gt' : 'Lt', values: [v] };
    }
    return { key: checkKey(key, term), operator: op === '!=' ? 'NotIn' : 'In', values: [v] };
  }
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), term), operator: 'DoesNotExist', values: [] };
  return { key: checkKey(term, term), operator: 'Exists', values: [] };
}

/** Parses the `labelSelector` query parameter; an empty string selects everything. */
export function parseLabelSelector(text: string | null | undefined): Requirement[] {
  if (!text) return [];
  return splitTerms(text).map(parseTerm);
}

export function selectorToRequirements(selector: LabelSelector | undefined): Requirement[] {
  if (!selector) return [];
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
  for (const expr of selector.matchExpressions ?? []) {
    reqs.push({ key: expr.key, operator: expr.operator, values: expr.values ?? [] });
  }
  return reqs;
}

export function matchesRequirements(labels: Record<string, string> | undefined, reqs: Requirement[]): boolean {
  const l = labels ?? {};
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch is exhaustive over Operator; TypeScript checks that every case returns
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const value = l[r.key];
    switch (r.operator) {
      case 'In':
        return has && value !== undefined && r.values.includes(value);
      case 'NotIn':
        return !has || value === undefined || !r.values.includes(value);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'Gt':
      case 'Lt': {
        if (!has || value === undefined || !/^-?\d+$/.test(value)) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        return r.operator === 'Gt' ? n > bound : n < bound;
      }
    }
  });
}

/**
 * A LabelSelector object matches labels. Like the API machinery, an empty selector object
 * matches everything; callers that must refuse empty selectors validate before.
 */
export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: LabelSelector | undefined): boolean {
  return matchesRequirements(labels, selectorToRequirements(selector));
}

/** `app=web,tier in (a,b)` — the text form, as the scale subresource reports in `status.selector`. */
export function labelSelectorToString(selector: LabelSelector | undefined): string {
  return (
    selectorToRequirements(selector)
      // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch is exhaustive over Operator; TypeScript checks that every case returns
      .map((r) => {
        switch (r.operator) {
          case 'In':
            return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
          case 'NotIn':
            return `${r.key} notin (${r.values.join(',')})`;
          case 'Exists':
            return r.key;
          case 'DoesNotExist':
            return `!${r.key}`;
          case 'Gt':
            return `${r.key}>${r.values[0]}`;
          case 'Lt':
            return `${r.key}<${r.values[0]}`;
        }
      })
      .join(',')
  );
}
