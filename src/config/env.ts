// The environment, parsed once at start. main.ts is the only reader of process.env.
import { z } from 'zod';
import { ConfigError, formatIssues } from './config-error.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required: the bot token (xoxb-…) from the Slack app\'s "OAuth & Permissions" page' })
    .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' }),
  SLACK_SIGNING_SECRET: z
    .string({ error: 'is required: the signing secret from the Slack app\'s "Basic Information" page' })
    .min(8, { error: 'looks too short to be a signing secret' }),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', { error: 'must be an app-level token starting with xapp- (it turns on Socket Mode)' }).optional(),
  SLACK_API_URL: z.url({ error: 'must be a URL such as https://slack.com/api/' }).default('https://slack.com/api/'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('./data/smartspec.db'),
  // Never echoed back in a message: the URL usually carries the password.
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, {
      error:
        'must be a PostgreSQL URL such as postgres://user:password@host:5432/smartspec?sslmode=verify-full (unset it to use the SQLite file at DATABASE_PATH)',
    })
    .optional(),
  SMARTSPEC_CONFIG: z.string().min(1).default('./smartspec.yml'),
  SMARTSPEC_API_TOKEN: z.string().min(16, { error: 'must be at least 16 characters: it guards /api/v1' }).optional(),
  PAGERDUTY_TOKEN: z.string().min(1).optional(),
  PAGERDUTY_WEBHOOK_SECRET: z.string().min(8).optional(),
  PAGERDUTY_FROM: z.email({ error: 'must be the email of a PagerDuty user' }).optional(),
  PAGERDUTY_API_URL: z.url().default('https://api.pagerduty.com'),
  PAGERDUTY_EVENTS_URL: z.url().optional(),
  PAGERDUTY_APP_URL: z.url().default('https://app.pagerduty.com'),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_API_URL: z
    .url({ error: 'must be the GitHub REST API base, e.g. https://api.github.com or https://github.example.com/api/v3' })
    .default('https://api.github.com'),
  RUN_LEASE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .min(1, { error: 'must be at least 1 second' })
    .max(600, { error: 'must be at most 600 seconds' })
    .default(15),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

export type Env = z.infer<typeof envSchema>;

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set": .env files often carry `NAME=` lines.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success)
    throw new ConfigError(formatIssues('environment variable', result.error).replaceAll('environment variable: ', 'environment variable '));
  return result.data;
}
