/** Why a request was refused: lets the API pick a status and the CLI an exit code. */
export type UserErrorKind = 'invalid' | 'not_found' | 'policy';

/** A failure whose message is safe and useful to show the person who asked (in Slack, the CLI, the API). */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Extra help, e.g. the command's usage, shown under the message. */
    readonly hint?: string,
    readonly kind: UserErrorKind = 'invalid',
  ) {
    super(message);
  }
}

/** A fenced store write was refused: another owner claimed the run since this lease was taken. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly runId: string,
    readonly fence: number,
  ) {
    super(`lease on run ${runId} (fence ${fence}) was lost: another owner claimed the run; nothing was written`);
  }
}
