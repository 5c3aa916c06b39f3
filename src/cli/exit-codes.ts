// What a pipeline can branch on. Documented in the README and docs/OPERATIONS.md; keep them stable.
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  blocked: 3,
  timedOut: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports in one line and turns into an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
