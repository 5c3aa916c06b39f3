// The CLI's dispatch, separate from the process entry so tests run it in-process with their own I/O.
import { ApiClient } from './api-client.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { planCommand, rollbackCommand, type Output } from './commands/rollback.js';
import { rehearseCommand } from './commands/rehearse.js';
import { recordDeploymentCommand, reportCommand, statusCommand } from './commands/records.js';
import { cancelCommand, retryCommand } from './commands/control.js';
import { MIGRATE_STORE_USAGE, migrateStoreCommand } from './commands/migrate-store.js';

export const CLI_USAGE = `smartspec-rollback — talks to a running bot (SMARTSPEC_URL, SMARTSPEC_API_TOKEN)

  record-deployment --file deploy.json | --id <id> --service <s> --version <v> --component name=image…
  plan --failed-deployment-id <id> [--target-version <v>] [--component <c>]… [--json]
  rollback --failed-deployment-id <id> | --service <name> [--environment <env>] [--incident <id>]
           [--target-version <v>] [--strategy gradual|instant] [--auto-approve] [--dry-run] [--json] [--timeout <s>]
  rehearse [--service <name>] [--json]   plan, dry-run and access-check each rollback; execute nothing
  status <run-id>
  report <run-id>
  cancel <run-id>     withdraw a waiting plan, or stop an executing rollback before its next step
  retry <run-id>      plan a failed, interrupted, expired or cancelled rollback again as a new run
  ${MIGRATE_STORE_USAGE}

Exit codes: 0 succeeded (or dry run fine), 1 rollback or verification failed, 2 usage or configuration
error, 3 blocked by a safety check or policy, 4 timed out.`;

export async function runCli(argv: string[], env: Record<string, string | undefined>, io: Output): Promise<ExitCode> {
  const [command, ...args] = argv;
  try {
    if (!command || command === 'help' || command === '--help') {
      io.out(CLI_USAGE);
      return command ? EXIT.ok : EXIT.usage;
    }
    // Talks to the databases, not to a running bot: needs no SMARTSPEC_URL.
    if (command === 'migrate-store') return await migrateStoreCommand(args, env, io);
    const handler = {
      'record-deployment': recordDeploymentCommand,
      plan: planCommand,
      rollback: rollbackCommand,
      rehearse: rehearseCommand,
      status: statusCommand,
      report: reportCommand,
      cancel: cancelCommand,
      retry: retryCommand,
    }[command];
    if (!handler) throw new CliError(`Unknown command "${command}".\n\n${CLI_USAGE}`, EXIT.usage);
    const baseUrl = env['SMARTSPEC_URL'];
    const token = env['SMARTSPEC_API_TOKEN'];
    if (!baseUrl || !URL.canParse(baseUrl))
      throw new CliError("SMARTSPEC_URL must be the bot's base URL, e.g. https://rollback.example.com", EXIT.usage);
    if (!token) throw new CliError("SMARTSPEC_API_TOKEN must be set to the bot's API token.", EXIT.usage);
    return await handler(new ApiClient({ baseUrl, token }), args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`smartspec-rollback: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`smartspec-rollback: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
