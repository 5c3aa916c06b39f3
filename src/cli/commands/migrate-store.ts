// `migrate-store --from <sqlite file> --to <postgres url>`: moving from one replica on SQLite to
// several on PostgreSQL without losing history. Talks to the two databases, not to a running bot:
// stop the bot first, so nothing is written to the file while it is copied.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import type { Output } from './rollback.js';

export const MIGRATE_STORE_USAGE = 'migrate-store --from <sqlite file> [--to <postgres url>]   (--to defaults to DATABASE_URL)';

export async function migrateStoreCommand(args: string[], env: Record<string, string | undefined>, io: Output): Promise<ExitCode> {
  const { values } = parseArgs({ args, strict: true, allowPositionals: false, options: { from: { type: 'string' }, to: { type: 'string' } } });
  const from = values.from;
  // A URL on the command line shows in `ps` and shell history with its password: DATABASE_URL avoids that.
  const to = values.to ?? env['DATABASE_URL'];
  if (!from) throw new CliError(`--from is required: the SQLite file the bot used (DATABASE_PATH).\n  ${MIGRATE_STORE_USAGE}`, EXIT.usage);
  if (!to) throw new CliError(`--to (or DATABASE_URL) is required: the PostgreSQL database to copy into.\n  ${MIGRATE_STORE_USAGE}`, EXIT.usage);
  if (!/^postgres(ql)?:\/\//.test(to) || !URL.canParse(to))
    throw new CliError('--to must be a PostgreSQL URL such as postgres://user:password@host:5432/smartspec', EXIT.usage);
  if (!existsSync(from)) throw new CliError(`--from ${from} does not exist: give the SQLite file the bot used (DATABASE_PATH).`, EXIT.usage);

  // Loaded here, not at the top: the other commands talk HTTP and need no database driver.
  const { copySqliteToPostgres, TargetNotEmptyError } = await import('../../adapters/postgres/copy-from-sqlite.js');
  const { describeDatabase } = await import('../../adapters/postgres/create-pool.js');
  const where = describeDatabase(to);
  io.err(`Copying ${from} into ${where}…`);
  let counts;
  try {
    counts = await copySqliteToPostgres(from, to);
  } catch (error) {
    if (error instanceof TargetNotEmptyError) throw new CliError(error.message, EXIT.blocked);
    throw new CliError(`Nothing was copied: ${error instanceof Error ? error.message : String(error)}`, EXIT.failed);
  }
  const width = Math.max(...counts.map((c) => c.table.length));
  io.out(`${'table'.padEnd(width)}  ${'sqlite'.padStart(8)}  ${'postgresql'.padStart(10)}`);
  for (const c of counts) {
    io.out(
      `${c.table.padEnd(width)}  ${String(c.source).padStart(8)}  ${String(c.target).padStart(10)}  ${c.source === c.target ? 'equal' : 'DIFFERENT'}`,
    );
  }
  const different = counts.filter((c) => c.source !== c.target);
  if (different.length > 0) {
    io.err(`The counts differ for ${different.map((c) => c.table).join(', ')}: do not switch the bot to ${where}.`);
    return EXIT.failed;
  }
  io.err(`Done: every table has the same number of rows on both sides. Set DATABASE_URL and start the bot.`);
  return EXIT.ok;
}
