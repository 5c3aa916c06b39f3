import { ApiError, badRequest } from './api-error.js';
import { deepClone, isPlainObject, type JsonObject } from './json-value.js';

/**
 * Strategic merge patch for the fields the emulated resources have. Kubernetes reads merge
 * keys from struct tags (`patchMergeKey`); we keep the same table by field name, with `ports`
 * resolved by context (container ports merge on containerPort, Service ports on port).
 */

type ListStrategy = { kind: 'merge'; key: string } | { kind: 'primitive' } | undefined;

const NAME_KEYED = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'imagePullSecrets', 'env', 'resourceClaims']);
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function listStrategy(path: string[]): ListStrategy {
  const field = path[path.length - 1] ?? '';
  if (NAME_KEYED.has(field)) return { kind: 'merge', key: 'name' };
  if (field === 'ports') {
    return path.some((p) => CONTAINER_LISTS.has(p)) ? { kind: 'merge', key: 'containerPort' } : { kind: 'merge', key: 'port' };
  }
  if (field === 'volumeMounts') return { kind: 'merge', key: 'mountPath' };
  if (field === 'volumeDevices') return { kind: 'merge', key: 'devicePath' };
  if (field === 'conditions') return { kind: 'merge', key: 'type' };
  if (field === 'ownerReferences') return { kind: 'merge', key: 'uid' };
  if (field === 'hostAliases') return { kind: 'merge', key: 'ip' };
  if (field === 'finalizers') return { kind: 'primitive' };
  return undefined;
}

function isDirectiveKey(key: string): boolean {
  return key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/') || key.startsWith('$deleteFromPrimitiveList/');
}

/** Patch values that become part of the object lose their directives. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((v) => !(isPlainObject(v) && v['$patch'] === 'replace' && Object.keys(v).length === 1)).map(stripDirectives);
  }
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (!isDirectiveKey(k) && v !== null) out[k] = stripDirectives(v);
    }
    return out;
  }
  return value;
}

function fail(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function mergeList(original: unknown, patch: unknown[], path: string[]): unknown[] {
  const strategy = listStrategy(path);
  const field = path.join('.');
  if (!strategy) return stripDirectives(patch) as unknown[];
  if (patch.some((e) => isPlainObject(e) && e['$patch'] === 'replace')) return stripDirectives(patch) as unknown[];
  const result = Array.isArray(original) ? deepClone(original) : [];
  if (strategy.kind === 'primitive') {
    for (const item of patch) if (!result.some((r) => r === item)) result.push(item);
    return result;
  }
  for (const element of patch) {
    if (!isPlainObject(element)) throw fail(`${field}: strategic merge patch element is not an object`);
    const keyValue = element[strategy.key];
    if (keyValue === undefined) throw fail(`map: ${JSON.stringify(element)} does not contain declared merge key: ${strategy.key}`);
    const index = result.findIndex((r) => isPlainObject(r) && r[strategy.key] === keyValue);
    if (element['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    const merged = mergeMap(index >= 0 ? result[index] : undefined, element, path);
    if (index >= 0) {
      if (merged === undefined) result.splice(index, 1);
      else result[index] = merged;
    } else if (merged !== undefined) {
      result.push(merged);
    }
  }
  return result;
}

function mergeMap(original: unknown, patch: JsonObject, path: string[]): JsonObject | undefined {
  const directive = patch['$patch'];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(patch) as JsonObject;
  if (directive !== undefined && directive !== 'merge') throw fail(`unknown patch type: ${String(directive)}`);
  const result: JsonObject = isPlainObject(original) ? deepClone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      delete result[key];
    } else if (isPlainObject(value)) {
      const merged = mergeMap(result[key], value, [...path, key]);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, [...path, key]);
    } else {
      result[key] = value;
    }
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return mergeMap(target, patch, []) ?? {};
}
