// pino, JSON, with every secret redacted wherever it appears in a logged object or message, and the
// correlation ids (requestId, runId) of the work in progress on every line.
import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { correlationMixin } from './correlation.js';
import { CENSOR, redactObject, redactValue, scrubText } from './redact.js';

/**
 * Well-known paths, censored by pino itself as a second line of defence (the formatters below
 * already censor any key that names a secret, at any depth).
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers["x-slack-signature"]',
  '*.headers["x-pagerduty-signature"]',
  'webhookSecret',
  '*.webhookSecret',
  'apiToken',
  '*.apiToken',
  'password',
  '*.password',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'smartspec-rollback' },
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    mixin: correlationMixin,
    formatters: {
      log: redactObject,
      bindings: redactObject,
    },
    // formatters.log makes logged errors plain before pino serializes; this covers the other way an Error
    // reaches a line (pino also runs serializers over bindings), with the same shape and redaction.
    serializers: { err: (value: unknown) => (value instanceof Error ? redactValue(stdSerializers.err(value)) : value) },
    hooks: {
      // The message and any printf-style arguments: a token pasted into a message is scrubbed too.
      logMethod(args, method) {
        const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? scrubText(arg) : arg)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
  };
  return redactingChildBindings(destination ? pino(options, destination) : pino(options));
}

/**
 * pino applies formatters.bindings to the root's bindings only, and a child's bindings (a logger made
 * for a client with its options, say) are written verbatim. Children are created from their parent
 * by prototype, so this one override covers children of children too.
 */
function redactingChildBindings(logger: Logger): Logger {
  const child = logger.child;
  const redactedChild = function (this: Logger, bindings: Record<string, unknown>, options?: Parameters<Logger['child']>[1]) {
    return child.call(this, redactObject(bindings), options);
  };
  Object.defineProperty(logger, 'child', { value: redactedChild, writable: true, configurable: true });
  return logger;
}
