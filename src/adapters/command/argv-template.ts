// The catalog's rollback command is an argument array with {placeholders}. Values are substituted
// inside single arguments and never pass through a shell, so `v1; rm -rf /` stays one literal argument.

export const ARGV_PLACEHOLDERS = ['service', 'version', 'environment', 'runId'] as const;
export type ArgvValues = Record<(typeof ARGV_PLACEHOLDERS)[number], string>;
/** The catalog's `database.migrateDown` also names the migration it undoes. */
export const DATABASE_PLACEHOLDERS = [...ARGV_PLACEHOLDERS, 'migration'] as const;
export type DatabaseArgvValues = ArgvValues & { migration: string };

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * One pass over each template argument: a value that itself contains `{version}` is not expanded
 * again. Throws on a placeholder we do not know: a typo such as `{verison}` must not reach a
 * rollback script as a literal argument.
 */
export function expandArgvTemplate(template: readonly string[], values: ArgvValues | DatabaseArgvValues, what = 'the rollback command'): string[] {
  const names: readonly string[] = 'migration' in values ? DATABASE_PLACEHOLDERS : ARGV_PLACEHOLDERS;
  const unknown = unknownPlaceholders(template, names);
  if (unknown.length > 0) {
    throw new Error(`unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')} in ${what} (known: ${names.map((p) => `{${p}}`).join(', ')})`);
  }
  return template.map((arg) => arg.replace(PLACEHOLDER, (_whole, key: string) => (values as Record<string, string>)[key]!));
}

export function unknownPlaceholders(template: readonly string[], names: readonly string[] = ARGV_PLACEHOLDERS): string[] {
  const known = new Set<string>(names);
  const found = template.flatMap((arg) => [...arg.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  return [...new Set(found.filter((name) => !known.has(name)))];
}

/**
 * How people read an argv in Slack and the timeline: POSIX-shell quoting, only so that spaces and
 * metacharacters are visible. It is never executed.
 */
export function displayArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9._@/:+=,%-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
