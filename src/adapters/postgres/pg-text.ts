// PostgreSQL cannot store the character U+0000 in text or jsonb (SQLite can), and the bot records
// text it does not control: pod log lines, command output, error messages. A NUL in them would fail
// the write — and with it the report of a rollback — so it is stored as U+FFFD, the replacement
// character, instead.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point: PostgreSQL text cannot hold it
const NUL = /\u0000/g;

export function pgText(value: string): string {
  return value.replace(NUL, '\uFFFD');
}

/** JSON.stringify, with every NUL inside a string value replaced. */
export function pgJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => (typeof member === 'string' ? pgText(member) : member));
}

/** Query parameters with every NUL replaced, in strings and in arrays of strings. */
export function pgParams(params: readonly unknown[]): unknown[] {
  return params.map((p) =>
    typeof p === 'string' ? pgText(p) : Array.isArray(p) ? p.map((x: unknown) => (typeof x === 'string' ? pgText(x) : x)) : p,
  );
}
