// Slash-command text → a typed request, or a UserError that says what was wrong and shows usage.
import { UserError } from './errors.js';
import type { RequestedStrategy } from './model.js';

export const ID_PATTERN = /^[A-Za-z0-9._@/:+-]{1,128}$/;

export const USAGE = [
  '*Usage*',
  '`/smartspec_rollback --failed-deployment-id <id> [--target-version <version>] [--component <name>]… [--environment <env>] [--incident <pagerduty-id>] [--dry-run] [--strategy gradual|instant] [--auto-approve | --force] [--reason "<text>"]`',
  "`/smartspec_rollback <service> [--environment <env>] [same flags]` (the service's newest deployment is the failed one)",
  '`/smartspec_rollback status [<run-id>]`',
  '`/smartspec_rollback history <service>`',
  '`/smartspec_rollback help`',
  'Flags also accept `--flag=value`. Ids and versions are 1–128 characters of `A-Z a-z 0-9 . _ @ / : + -`.',
].join('\n');

export interface RollbackRequest {
  kind: 'rollback';
  /** Exactly one of `failedDeploymentId` and `service` is set. */
  failedDeploymentId?: string;
  /** By service name: the service's newest deployment is taken as the failed one. */
  service?: string;
  /** A PagerDuty incident this rollback belongs to: notes go there even when a person started it. */
  incident?: string;
  targetVersion?: string;
  dryRun: boolean;
  autoApprove: boolean;
  /** `--force`: overridable blockers become warnings; the plan is CRITICAL and needs a reason (force.ts). */
  force?: boolean;
  reason?: string;
  /** Partial rollback: only these components. */
  components?: string[];
  /** Must match the failed deployment's environment: a guard against rolling back the wrong one. */
  environment?: string;
  /** `--strategy gradual|instant` (blue-green services only; checked against the catalog when planning). */
  strategy?: RequestedStrategy;
}

export type CommandRequest = RollbackRequest | { kind: 'help' } | { kind: 'status'; runId?: string } | { kind: 'history'; service: string };

interface FlagSpec {
  takesValue: boolean;
  validateAsId: boolean;
  repeatable?: boolean;
}

const FLAGS: Record<string, FlagSpec> = {
  'failed-deployment-id': { takesValue: true, validateAsId: true },
  'target-version': { takesValue: true, validateAsId: true },
  reason: { takesValue: true, validateAsId: false },
  'dry-run': { takesValue: false, validateAsId: false },
  'auto-approve': { takesValue: false, validateAsId: false },
  force: { takesValue: false, validateAsId: false },
  component: { takesValue: true, validateAsId: true, repeatable: true },
  environment: { takesValue: true, validateAsId: true },
  incident: { takesValue: true, validateAsId: true },
  strategy: { takesValue: true, validateAsId: true },
};

/** `--strategy`: gradual shifts traffic step by step; instant switches at once (when the catalog makes gradual the default). */
const STRATEGIES: readonly RequestedStrategy[] = ['gradual', 'instant'];

const MAX_COMPONENTS = 20;

const MAX_REASON = 500;

export function parseCommand(text: string): CommandRequest {
  const words = tokenize(text);
  const first = words[0];
  if (first === undefined || first === 'help') {
    if (words.length > 1) throw usageError('`help` takes no arguments.');
    return { kind: 'help' };
  }
  if (first === 'status') {
    if (words.length > 2) throw usageError('`status` takes at most one run id.');
    const runId = words[1];
    if (runId !== undefined) assertId('run id', runId);
    return runId === undefined ? { kind: 'status' } : { kind: 'status', runId };
  }
  if (first === 'history') {
    const service = words[1];
    if (service === undefined || words.length > 2) throw usageError('`history` takes exactly one service name.');
    assertId('service', service);
    return { kind: 'history', service };
  }
  if (!first.startsWith('--')) {
    // Not a subcommand: a service name, whose newest deployment is the failed one.
    if (!ID_PATTERN.test(first)) throw usageError(`Unknown subcommand \`${preview(first)}\`.`);
    return parseRollbackFlags(words.slice(1), first);
  }
  return parseRollbackFlags(words);
}

function parseRollbackFlags(words: string[], service?: string): RollbackRequest {
  const values = new Map<string, string | true>();
  const components: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) throw usageError(`Unexpected argument \`${word}\`.`);
    const eq = word.indexOf('=');
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    const spec = FLAGS[name];
    if (!spec) throw usageError(`Unknown flag \`--${name}\`.`);
    if (values.has(name) && !spec.repeatable) throw usageError(`Flag \`--${name}\` is given twice.`);
    if (!spec.takesValue) {
      if (eq !== -1) throw usageError(`Flag \`--${name}\` takes no value.`);
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = word.slice(eq + 1);
    else {
      value = words[i + 1];
      if (value?.startsWith('--')) value = undefined;
      else i++;
    }
    if (value === undefined || value === '') throw usageError(`Flag \`--${name}\` needs a value.`);
    if (spec.validateAsId) assertId(`--${name}`, value);
    if (spec.repeatable) {
      if (components.includes(value)) throw usageError(`Component \`${value}\` is named twice.`);
      if (components.length >= MAX_COMPONENTS) throw usageError(`At most ${MAX_COMPONENTS} components.`);
      components.push(value);
    }
    values.set(name, value);
  }
  const failed = values.get('failed-deployment-id');
  if (service !== undefined && typeof failed === 'string')
    throw usageError(`Name either a service (\`${service}\`) or \`--failed-deployment-id\`, not both.`);
  if (service === undefined && typeof failed !== 'string')
    throw usageError('`--failed-deployment-id` is required, or name a service: `/smartspec_rollback <service>`.');
  const request: RollbackRequest = {
    kind: 'rollback',
    ...(service !== undefined ? { service } : { failedDeploymentId: failed as string }),
    dryRun: values.get('dry-run') === true,
    autoApprove: values.get('auto-approve') === true,
  };
  if (values.get('force') === true) request.force = true;
  const incident = values.get('incident');
  if (typeof incident === 'string') request.incident = incident;
  const target = values.get('target-version');
  if (typeof target === 'string') request.targetVersion = target;
  if (components.length > 0) request.components = components;
  const environment = values.get('environment');
  if (typeof environment === 'string') request.environment = environment;
  const strategy = values.get('strategy');
  if (typeof strategy === 'string') {
    if (!(STRATEGIES as readonly string[]).includes(strategy))
      throw usageError(`\`--strategy ${preview(strategy)}\` is not known: use \`gradual\` or \`instant\`.`);
    request.strategy = strategy as RequestedStrategy;
  }
  const reason = values.get('reason');
  if (typeof reason === 'string') {
    if (reason.length > MAX_REASON) throw usageError(`\`--reason\` is longer than ${MAX_REASON} characters.`);
    request.reason = reason;
  }
  return request;
}

export function assertId(what: string, value: string): void {
  if (!ID_PATTERN.test(value)) {
    throw usageError(`${what} \`${preview(value)}\` is not valid: use 1–128 characters of letters, digits and \`. _ @ / : + -\`.`);
  }
}

function preview(value: string): string {
  const clean = value.replace(/[`\n\r]/g, ' ');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function usageError(message: string): UserError {
  return new UserError(message, USAGE);
}

// Slack clients turn straight quotes into curly ones; both kinds delimit a quoted value.
const OPENING_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '”': '”', '’': '’' };

/** Splits on whitespace, keeping quoted runs together; an unclosed quote is a usage error. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let closing: string | undefined;
  for (const ch of text) {
    if (closing !== undefined) {
      if (ch === closing || (closing === '"' && ch === '”') || (closing === '”' && ch === '"')) closing = undefined;
      else current += ch;
      continue;
    }
    const close = OPENING_QUOTES[ch];
    if (close !== undefined) {
      closing = close;
      inWord = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    current += ch;
    inWord = true;
  }
  if (closing !== undefined) throw usageError('A quoted value is not closed.');
  if (inWord) words.push(current);
  return words;
}
