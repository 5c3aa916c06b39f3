import type { z } from 'zod';

/** Bad configuration: the process stops with exit code 2 and this message, which names the source and key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;
}

/** `source: path.to.key: what was wrong` — one line per issue, the way an operator fixes it. */
export function formatIssues(source: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.map(String).join('.');
      return `${source}: ${key === '' ? '(top level)' : key}: ${issue.message}`;
    })
    .join('\n');
}
