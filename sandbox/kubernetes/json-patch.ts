import { ApiError, badRequest } from './api-error.js';
import { deepClone, deepEqual, isPlainObject } from './json-value.js';

/** RFC 6902 JSON Patch: the `@kubernetes/client-node` default and what `kubectl rollout undo` sends. */

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function decode(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return patch.map((raw, i) => {
    if (!isPlainObject(raw) || typeof raw['op'] !== 'string' || !OPS.has(raw['op'])) {
      throw badRequest(`invalid JSON patch operation at index ${i}`);
    }
    if (typeof raw['path'] !== 'string') throw badRequest(`JSON patch operation ${i} has no path`);
    const op = raw['op'] as Operation['op'];
    if ((op === 'move' || op === 'copy') && typeof raw['from'] !== 'string') {
      throw badRequest(`JSON patch operation ${i} (${op}) has no from`);
    }
    if ((op === 'add' || op === 'replace' || op === 'test') && !('value' in raw)) {
      throw badRequest(`JSON patch operation ${i} (${op}) has no value`);
    }
    const out: Operation = { op, path: raw['path'] };
    if (typeof raw['from'] === 'string') out.from = raw['from'];
    if ('value' in raw) out.value = raw['value'];
    return out;
  });
}

function fail(message: string): ApiError {
  // The API server answers patch application errors with 422, decode errors with 400.
  return new ApiError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw fail(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Resolves everything but the last token: the container the operation acts on. */
function parentOf(doc: unknown, tokens: string[], op: string, pointer: string): { parent: unknown; key: string } {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isPlainObject(current)) current = current[token];
    else current = undefined;
    if (current === undefined) throw fail(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return { parent: current, key: tokens[tokens.length - 1] ?? '' };
}

function arrayIndex(arr: unknown[], key: string, allowEnd: boolean, pointer: string): number {
  if (key === '-' && allowEnd) return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw fail(`invalid array index "${key}" in "${pointer}"`);
  const index = Number(key);
  if (index > arr.length || (!allowEnd && index === arr.length)) throw fail(`array index out of bounds in "${pointer}"`);
  return index;
}

function getValue(doc: unknown, pointer: string, op: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens, op, pointer);
  let value: unknown;
  if (Array.isArray(parent)) value = parent[arrayIndex(parent, key, false, pointer)];
  else if (isPlainObject(parent) && Object.hasOwn(parent, key)) value = parent[key];
  if (value === undefined) throw fail(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  return value;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, 'add', pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, pointer), 0, value);
  else if (isPlainObject(parent)) parent[key] = value;
  else throw fail(`add operation does not apply: doc is missing path: "${pointer}"`);
  return doc;
}

function remove(doc: unknown, pointer: string, op = 'remove'): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw fail('cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, op, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, pointer), 1);
  else if (isPlainObject(parent) && Object.hasOwn(parent, key)) delete parent[key];
  else throw fail(`${op} operation does not apply: doc is missing key: "${pointer}"`);
  return doc;
}

function replace(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, 'replace', pointer);
  if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, pointer)] = value;
  else if (isPlainObject(parent) && Object.hasOwn(parent, key)) parent[key] = value;
  else throw fail(`replace operation does not apply: doc is missing key: "${pointer}"`);
  return doc;
}

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  let doc = deepClone(target);
  for (const op of decode(patch)) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, deepClone(op.value));
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace':
        doc = replace(doc, op.path, deepClone(op.value));
        break;
      case 'move': {
        const from = op.from ?? '';
        const value = getValue(doc, from, 'move');
        doc = remove(doc, from, 'move');
        doc = add(doc, op.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, deepClone(getValue(doc, op.from ?? '', 'copy')));
        break;
      case 'test':
        if (!deepEqual(getValue(doc, op.path, 'test'), op.value)) {
          throw fail(`testing value ${op.path} failed: test failed`);
        }
        break;
    }
  }
  return doc;
}
