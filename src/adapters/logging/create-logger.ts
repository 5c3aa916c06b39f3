// pino, JSON, with every secret-bearing field redacted wherever it appears in a logged object.
import { pino, type Logger, type DestinationStream } from 'pino';

export const REDACTED_PATHS = [
  'token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken', 'signingSecret', '*.signingSecret',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  '*.headers["x-slack-signature"]', '*.headers["x-pagerduty-signature"]', 'webhookSecret', '*.webhookSecret',
  'apiToken', '*.apiToken', 'password', '*.password',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { app: 'smartspec-rollback' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
