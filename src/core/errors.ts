/** A failure whose message is safe and useful to show the person who asked (in Slack, the CLI, the API). */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Extra help, e.g. the command's usage, shown under the message. */
    readonly hint?: string,
  ) {
    super(message);
  }
}
