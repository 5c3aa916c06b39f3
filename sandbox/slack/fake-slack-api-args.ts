import type { SlackBlock } from './fake-slack-types.js';

export type ApiArgs = Record<string, unknown>;
export type ApiBody = Record<string, unknown> & { ok: boolean };

/** A Web API answer Slack would give with `ok: false`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }

  toBody(): ApiBody {
    return { ok: false, error: this.code, ...this.extra };
  }
}

/** Slack's shape for a list of problems: `errors` plus `[ERROR]` lines the WebClient logs. */
export function problemsError(code: string, problems: string[]): ApiError {
  return new ApiError(code, {
    errors: problems,
    response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
  });
}

/** Form bodies carry everything as strings; JSON bodies may carry numbers (e.g. a numeric ts). */
export function optionalString(args: ApiArgs, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ApiError('invalid_arguments', {
    response_metadata: { messages: [`[ERROR] ${key} must be a string`] },
  });
}

export function optionalBoolean(args: ApiArgs, key: string): boolean {
  const value = args[key];
  return value === true || value === 'true' || value === '1' || value === 1;
}

/**
 * WebClient sends arrays and objects as JSON strings inside the form; JSON bodies carry them
 * directly. Either way the result is the parsed value.
 */
export function jsonArg(args: ApiArgs, key: string, formatError: string): unknown {
  const value = args[key];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new ApiError(formatError, {
      response_metadata: { messages: [`[ERROR] ${key} is not valid JSON`] },
    });
  }
}

export function blocksArg(args: ApiArgs): SlackBlock[] | undefined {
  const blocks = jsonArg(args, 'blocks', 'invalid_blocks_format');
  if (blocks === undefined || blocks === '') return undefined;
  if (!Array.isArray(blocks)) throw new ApiError('invalid_blocks_format');
  return blocks as SlackBlock[];
}
