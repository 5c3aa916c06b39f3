import type { StatusCause } from './api-error.js';
import { isPlainObject, type JsonObject } from './json-value.js';
import { matchesLabelSelector } from './label-selector.js';
import type { LabelSelector } from './kube-types.js';

/**
 * Structural validation of what the controller relies on. The real server validates far more;
 * we check enough that a malformed object is refused with a 422 like a cluster would, instead
 * of crashing the emulated controller later.
 */

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const INT_OR_PERCENT = /^\d+%$/;

function required(field: string): StatusCause {
  return { field, reason: 'FieldValueRequired', message: 'Required value' };
}

function badValue(field: string, value: unknown, why: string): StatusCause {
  return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}` };
}

export function validateName(name: unknown, field = 'metadata.name', label = false): StatusCause[] {
  if (typeof name !== 'string' || name === '') return [required(field)];
  const ok = label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  if (ok) return [];
  return [
    badValue(
      field,
      name,
      `a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    ),
  ];
}

function validateStringMap(value: unknown, field: string): StatusCause[] {
  if (value === undefined) return [];
  if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    return [badValue(field, value, 'must be a map of string to string')];
  }
  return [];
}

function validateContainers(spec: JsonObject, field: string): StatusCause[] {
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${field}.containers`)];
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${field}.containers[${i}]`;
    if (!isPlainObject(c)) {
      causes.push(badValue(at, c, 'must be an object'));
      return;
    }
    causes.push(...validateName(c['name'], `${at}.name`, true));
    if (typeof c['name'] === 'string') {
      if (names.has(c['name'])) causes.push({ field: `${at}.name`, reason: 'FieldValueDuplicate', message: `Duplicate value: "${c['name']}"` });
      names.add(c['name']);
    }
    if (typeof c['image'] !== 'string' || c['image'].trim() === '') causes.push(required(`${at}.image`));
    const env = c['env'];
    if (env !== undefined) {
      if (!Array.isArray(env)) causes.push(badValue(`${at}.env`, env, 'must be a list'));
      else
        env.forEach((e, j) => {
          if (!isPlainObject(e) || typeof e['name'] !== 'string' || e['name'] === '') causes.push(required(`${at}.env[${j}].name`));
          else if (e['value'] !== undefined && typeof e['value'] !== 'string')
            causes.push(badValue(`${at}.env[${j}].value`, e['value'], 'must be a string'));
        });
    }
  });
  return causes;
}

export function validatePodSpec(spec: unknown, field: string): StatusCause[] {
  if (!isPlainObject(spec)) return [required(field)];
  return validateContainers(spec, field);
}

function validateSelector(selector: unknown, field: string): StatusCause[] {
  if (!isPlainObject(selector)) return [required(field)];
  const causes = validateStringMap(selector['matchLabels'], `${field}.matchLabels`);
  const exprs = selector['matchExpressions'];
  if (exprs !== undefined && !Array.isArray(exprs)) causes.push(badValue(`${field}.matchExpressions`, exprs, 'must be a list'));
  const hasLabels = isPlainObject(selector['matchLabels']) && Object.keys(selector['matchLabels']).length > 0;
  if (!hasLabels && !(Array.isArray(exprs) && exprs.length > 0)) {
    causes.push(badValue(field, selector, 'empty selector is invalid for deployment'));
  }
  return causes;
}

function validateCount(value: unknown, field: string): StatusCause[] {
  if (value === undefined) return [];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return [badValue(field, value, 'must be greater than or equal to 0')];
  }
  return [];
}

function validateIntOrPercent(value: unknown, field: string): StatusCause[] {
  if (value === undefined) return [];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return [];
  if (typeof value === 'string' && INT_OR_PERCENT.test(value)) return [];
  return [badValue(field, value, "must be an integer or percentage (e.g '5%')")];
}

/** Deployments and ReplicaSets share selector/template rules; the strategy is checked by kind. */
export function validateWorkload(obj: JsonObject, kind: 'Deployment' | 'ReplicaSet'): StatusCause[] {
  const spec = obj['spec'];
  if (!isPlainObject(spec)) return [required('spec')];
  const causes = [...validateCount(spec['replicas'], 'spec.replicas'), ...validateSelector(spec['selector'], 'spec.selector')];
  const template = spec['template'];
  if (!isPlainObject(template)) return [...causes, required('spec.template')];
  const meta = template['metadata'];
  const labels = isPlainObject(meta) ? meta['labels'] : undefined;
  causes.push(...validateStringMap(labels, 'spec.template.metadata.labels'));
  causes.push(...validatePodSpec(template['spec'], 'spec.template.spec'));
  if (causes.length === 0 && !matchesLabelSelector(labels as Record<string, string> | undefined, spec['selector'] as LabelSelector)) {
    causes.push(badValue('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
  }
  if (kind === 'Deployment') causes.push(...validateDeploymentStrategy(spec));
  return causes;
}

function validateDeploymentStrategy(spec: JsonObject): StatusCause[] {
  const causes = [
    ...validateCount(spec['revisionHistoryLimit'], 'spec.revisionHistoryLimit'),
    ...validateCount(spec['minReadySeconds'], 'spec.minReadySeconds'),
    ...validateCount(spec['progressDeadlineSeconds'], 'spec.progressDeadlineSeconds'),
  ];
  if (spec['paused'] !== undefined && typeof spec['paused'] !== 'boolean') causes.push(badValue('spec.paused', spec['paused'], 'must be a boolean'));
  const strategy = spec['strategy'];
  if (strategy === undefined) return causes;
  if (!isPlainObject(strategy)) return [...causes, badValue('spec.strategy', strategy, 'must be an object')];
  const type = strategy['type'];
  if (type !== undefined && type !== 'RollingUpdate' && type !== 'Recreate') {
    causes.push({
      field: 'spec.strategy.type',
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(type)}: supported values: "Recreate", "RollingUpdate"`,
    });
  }
  const rolling = strategy['rollingUpdate'];
  if (type === 'Recreate' && rolling !== undefined) {
    causes.push({
      field: 'spec.strategy.rollingUpdate',
      reason: 'FieldValueForbidden',
      message: "Forbidden: may not be specified when strategy `type` is 'Recreate'",
    });
  }
  if (isPlainObject(rolling)) {
    causes.push(...validateIntOrPercent(rolling['maxSurge'], 'spec.strategy.rollingUpdate.maxSurge'));
    causes.push(...validateIntOrPercent(rolling['maxUnavailable'], 'spec.strategy.rollingUpdate.maxUnavailable'));
    const zero = (v: unknown) => v === 0 || v === '0%';
    if (zero(rolling['maxSurge']) && zero(rolling['maxUnavailable'])) {
      causes.push(badValue('spec.strategy.rollingUpdate.maxUnavailable', rolling['maxUnavailable'], 'may not be 0 when `maxSurge` is 0'));
    }
  }
  const deadline = spec['progressDeadlineSeconds'];
  const minReady = spec['minReadySeconds'];
  if (typeof deadline === 'number' && typeof minReady === 'number' && deadline <= minReady) {
    causes.push(badValue('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return causes;
}

export function validateService(obj: JsonObject): StatusCause[] {
  const spec = obj['spec'];
  if (!isPlainObject(spec)) return [required('spec')];
  const causes = validateStringMap(spec['selector'], 'spec.selector');
  const ports = spec['ports'];
  if (ports !== undefined && !Array.isArray(ports)) return [...causes, badValue('spec.ports', ports, 'must be a list')];
  (ports ?? []).forEach((p: unknown, i: number) => {
    if (!isPlainObject(p) || typeof p['port'] !== 'number' || !Number.isInteger(p['port']) || p['port'] < 1 || p['port'] > 65535) {
      causes.push(badValue(`spec.ports[${i}].port`, isPlainObject(p) ? p['port'] : p, 'must be between 1 and 65535, inclusive'));
    }
  });
  return causes;
}

export function validateEvent(obj: JsonObject): StatusCause[] {
  const involved = obj['involvedObject'];
  if (!isPlainObject(involved) || typeof involved['name'] !== 'string' || typeof involved['kind'] !== 'string') {
    return [required('involvedObject')];
  }
  return [];
}
