import type { StatusCause } from './api-error.js';
import { isPlainObject, type JsonObject } from './json-value.js';
import { validateName, validateWorkload } from './object-validation.js';

/** Validation of the kinds added after Deployments; enough to refuse what the controllers cannot run. */

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function badValue(field: string, value: unknown, why: string): StatusCause {
  return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}` };
}

function required(field: string): StatusCause {
  return { field, reason: 'FieldValueRequired', message: 'Required value' };
}

function unsupported(field: string, value: unknown, allowed: string[]): StatusCause {
  return {
    field,
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
  };
}

export function metadataNameCauses(obj: JsonObject, label = false): StatusCause[] {
  const meta = obj['metadata'];
  return validateName(isPlainObject(meta) ? meta['name'] : undefined, 'metadata.name', label);
}

function validateDataMap(value: unknown, field: string, base64: boolean): StatusCause[] {
  if (value === undefined || value === null) return [];
  if (!isPlainObject(value)) return [badValue(field, value, 'must be a map of string to string')];
  const causes: StatusCause[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!CONFIG_KEY.test(key) || key.length > 253)
      causes.push(badValue(`${field}[${key}]`, key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
    if (typeof v !== 'string') causes.push(badValue(`${field}[${key}]`, v, 'must be a string'));
    else if (base64 && (!BASE64.test(v) || v.length % 4 !== 0)) causes.push(badValue(`${field}[${key}]`, '<value omitted>', 'illegal base64 data'));
  }
  return causes;
}

export function validateConfigMap(obj: JsonObject): StatusCause[] {
  return [...metadataNameCauses(obj), ...validateDataMap(obj['data'], 'data', false), ...validateDataMap(obj['binaryData'], 'binaryData', true)];
}

export function validateSecret(obj: JsonObject): StatusCause[] {
  return [...metadataNameCauses(obj), ...validateDataMap(obj['data'], 'data', true), ...validateDataMap(obj['stringData'], 'stringData', false)];
}

function validateCount(value: unknown, field: string): StatusCause[] {
  if (value === undefined) return [];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? [] : [badValue(field, value, 'must be greater than or equal to 0')];
}

function validateUpdateStrategy(spec: JsonObject, kind: 'StatefulSet' | 'DaemonSet'): StatusCause[] {
  const strategy = spec['updateStrategy'];
  if (strategy === undefined) return [];
  if (!isPlainObject(strategy)) return [badValue('spec.updateStrategy', strategy, 'must be an object')];
  const type = strategy['type'];
  if (type !== undefined && type !== 'RollingUpdate' && type !== 'OnDelete')
    return [unsupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate'])];
  const rolling = strategy['rollingUpdate'];
  if (rolling === undefined) return [];
  if (type === 'OnDelete')
    return [
      {
        field: 'spec.updateStrategy.rollingUpdate',
        reason: 'FieldValueForbidden',
        message: "Forbidden: only allowed for updateStrategy 'RollingUpdate'",
      },
    ];
  if (!isPlainObject(rolling)) return [badValue('spec.updateStrategy.rollingUpdate', rolling, 'must be an object')];
  if (kind === 'StatefulSet') return validateCount(rolling['partition'], 'spec.updateStrategy.rollingUpdate.partition');
  return [];
}

export function validateStatefulSet(obj: JsonObject): StatusCause[] {
  const causes = [...metadataNameCauses(obj), ...validateWorkload(obj, 'ReplicaSet')];
  const spec = obj['spec'];
  if (!isPlainObject(spec)) return causes;
  const policy = spec['podManagementPolicy'];
  if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel')
    causes.push(unsupported('spec.podManagementPolicy', policy, ['OrderedReady', 'Parallel']));
  causes.push(
    ...validateCount(spec['revisionHistoryLimit'], 'spec.revisionHistoryLimit'),
    ...validateCount(spec['minReadySeconds'], 'spec.minReadySeconds'),
  );
  return [...causes, ...validateUpdateStrategy(spec, 'StatefulSet')];
}

export function validateDaemonSet(obj: JsonObject): StatusCause[] {
  const causes = [...metadataNameCauses(obj), ...validateWorkload(obj, 'ReplicaSet')];
  const spec = obj['spec'];
  if (!isPlainObject(spec)) return causes;
  if (spec['replicas'] !== undefined)
    causes.push({
      field: 'spec.replicas',
      reason: 'FieldValueNotSupported',
      message: 'Forbidden: a DaemonSet runs one pod per node; it has no replicas',
    });
  causes.push(
    ...validateCount(spec['revisionHistoryLimit'], 'spec.revisionHistoryLimit'),
    ...validateCount(spec['minReadySeconds'], 'spec.minReadySeconds'),
  );
  return [...causes, ...validateUpdateStrategy(spec, 'DaemonSet')];
}

export function validateControllerRevision(obj: JsonObject): StatusCause[] {
  const causes = metadataNameCauses(obj);
  const revision = obj['revision'];
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0)
    causes.push(badValue('revision', revision, 'must be greater than or equal to 0'));
  return causes;
}

/** What the Argo Rollouts CRD schema and the controller's own validation refuse. */
export function validateRollout(obj: JsonObject): StatusCause[] {
  const causes = [...metadataNameCauses(obj), ...validateWorkload(obj, 'ReplicaSet')];
  const spec = obj['spec'];
  if (!isPlainObject(spec)) return causes;
  const strategy = spec['strategy'];
  if (!isPlainObject(strategy)) return [...causes, required('spec.strategy')];
  const canary = strategy['canary'];
  const blueGreen = strategy['blueGreen'];
  if ((canary === undefined) === (blueGreen === undefined))
    causes.push(badValue('spec.strategy', strategy, 'exactly one of canary or blueGreen must be set'));
  if (isPlainObject(blueGreen) && typeof blueGreen['activeService'] !== 'string') causes.push(required('spec.strategy.blueGreen.activeService'));
  if (isPlainObject(canary) && canary['steps'] !== undefined) {
    const steps = canary['steps'];
    if (!Array.isArray(steps)) causes.push(badValue('spec.strategy.canary.steps', steps, 'must be a list'));
    else
      steps.forEach((step: unknown, i: number) => {
        const weight = isPlainObject(step) ? step['setWeight'] : undefined;
        if (!isPlainObject(step) || (weight === undefined && step['pause'] === undefined))
          causes.push(badValue(`spec.strategy.canary.steps[${i}]`, step, 'a step needs setWeight or pause (the emulator supports no others)'));
        else if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100)) {
          causes.push(badValue(`spec.strategy.canary.steps[${i}].setWeight`, weight, 'must be between 0 and 100'));
        }
      });
  }
  return causes;
}

export function validateHttpRoute(obj: JsonObject): StatusCause[] {
  const causes = metadataNameCauses(obj);
  const spec = obj['spec'];
  if (!isPlainObject(spec)) return [...causes, required('spec')];
  const rules = spec['rules'] ?? [];
  if (!Array.isArray(rules)) return [...causes, badValue('spec.rules', rules, 'must be a list')];
  if (rules.length > 16)
    causes.push({ field: 'spec.rules', reason: 'FieldValueTooMany', message: `Too many: ${rules.length}: must have at most 16 items` });
  rules.forEach((rule: unknown, i: number) => {
    const refs = isPlainObject(rule) ? (rule['backendRefs'] ?? []) : [];
    if (!Array.isArray(refs)) {
      causes.push(badValue(`spec.rules[${i}].backendRefs`, refs, 'must be a list'));
      return;
    }
    refs.forEach((ref: unknown, j: number) => {
      const at = `spec.rules[${i}].backendRefs[${j}]`;
      if (!isPlainObject(ref) || typeof ref['name'] !== 'string' || ref['name'] === '') {
        causes.push(required(`${at}.name`));
        return;
      }
      const weight = ref['weight'];
      if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 1_000_000)) {
        causes.push(badValue(`${at}.weight`, weight, 'should be less than or equal to 1000000 and greater than or equal to 0'));
      }
    });
  });
  return causes;
}
