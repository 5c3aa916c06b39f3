// The catalog's sections (kubernetes, helm, command, pagerduty, alertmanager, detection, database,
// verification, approvals) and the field types they share: one zod schema each. catalog.ts puts
// them together into a service and the catalog, and loads the file.
import { z } from 'zod';
import { DATABASE_PLACEHOLDERS, unknownPlaceholders } from '../adapters/command/argv-template.js';
import { ID_PATTERN } from '../core/command.js';

export const name = z.string().regex(ID_PATTERN, { error: 'must be 1–128 characters of letters, digits and . _ @ / : + -' });
const slackUser = z.string().regex(/^[UWS][A-Z0-9]{2,}$/, { error: 'must be a Slack user id (U…/W…) or user-group id (S…)' });

const namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a Kubernetes namespace name' });
const objectName = z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, { error: 'must be a Kubernetes object name' });
const labelKey = z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { error: 'must be a label key' });

const gradualSchema = z.strictObject({
  steps: z
    .array(z.number().int().min(1).max(100))
    .min(1)
    .default([25, 50, 75, 100])
    .refine((s) => s.every((p, i) => i === 0 || p > s[i - 1]!) && s[s.length - 1] === 100, {
      error: 'must be ascending percentages ending at 100, e.g. [25, 50, 75, 100]',
    }),
  pauseSeconds: z.number().min(0).max(3600).default(30),
  gateSeconds: z.number().min(1).max(3600).default(120),
  httpRoute: z
    .strictObject({
      name: objectName,
      rule: z.number().int().min(0).max(63).default(0),
      backends: z.record(objectName, objectName).optional(),
    })
    .optional(),
});

export const kubernetesSchema = z
  .strictObject({
    context: z.string().min(1).optional(),
    namespace,
    deployments: z.array(objectName).default([]),
    statefulSets: z.array(objectName).default([]),
    daemonSets: z.array(objectName).default([]),
    /** Argo Rollouts (argoproj.io/v1alpha1 Rollout). */
    rollouts: z.array(objectName).default([]),
    core: z.array(z.string()).default([]),
    blueGreen: z.strictObject({ service: objectName, label: labelKey }).optional(),
    progressDeadlineSeconds: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .optional(),
    gradual: gradualSchema.optional(),
    configSnapshot: z
      .strictObject({
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(1_000_000, { error: 'must be at most 1000000: the snapshot is stored with every deployment record' })
          .default(65_536),
      })
      .optional(),
  })
  .superRefine((k, ctx) => {
    const names = [...k.deployments, ...k.statefulSets, ...k.daemonSets, ...k.rollouts];
    if (names.length === 0)
      ctx.addIssue({ code: 'custom', path: ['deployments'], message: 'must list at least one Deployment (or statefulSets, daemonSets, rollouts)' });
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) ctx.addIssue({ code: 'custom', path: [], message: `names ${twice} twice: a component is one workload of one kind` });
    if (k.blueGreen && names.length !== k.deployments.length)
      ctx.addIssue({
        code: 'custom',
        path: ['blueGreen'],
        message: 'works with two Deployments only, not with statefulSets, daemonSets or rollouts',
      });
    if (k.gradual && !k.blueGreen)
      ctx.addIssue({ code: 'custom', path: ['gradual'], message: 'needs kubernetes.blueGreen: traffic shifts between two sides' });
    for (const side of Object.keys(k.gradual?.httpRoute?.backends ?? {})) {
      if (!k.deployments.includes(side))
        ctx.addIssue({
          code: 'custom',
          path: ['gradual', 'httpRoute', 'backends'],
          message: `names ${side}, which is not in kubernetes.deployments`,
        });
    }
  });

export const helmSchema = z.strictObject({
  release: objectName,
  namespace,
  context: z.string().min(1).optional(),
  timeoutSeconds: z.number().int().min(10).max(3600).default(300),
});

export const commandSchema = z.strictObject({
  rollback: z.array(z.string().min(1)).min(1, { error: 'must be an argument array such as ["./scripts/rollback.sh", "{service}", "{version}"]' }),
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
});

export const pagerDutySchema = z.strictObject({
  services: z.array(z.string().regex(/^P[A-Z0-9]{5,}$/, { error: 'must be a PagerDuty service id such as PABC123' })).min(1),
  autoRollback: z.boolean().default(false),
  routingKey: z.string().min(20).max(64).optional(),
  windowMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(120),
});

/** A monitoring peer's base URL: http(s), and no credentials in it (the catalog is no place for secrets, and they would reach logs). */
function peerUrl(example: string) {
  return z
    .url({ protocol: /^https?$/, error: `must be an http(s) base URL, e.g. ${example}` })
    .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''), {
      error: 'must not carry credentials (user:password@): the catalog is not a secret store',
    });
}

/** An environment variable's name: the catalog names where a secret is, never the secret itself. */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: 'must be the name of an environment variable such as PROMETHEUS_TOKEN (A–Z, 0–9 and _), never the secret itself',
});

/**
 * How the bot authenticates to a monitoring peer (Prometheus, Alertmanager): a bearer token or basic
 * auth, each read from an environment variable at start (peer-credentials.ts), never from the catalog.
 */
export const peerAuthSchema = z
  .strictObject({
    bearerTokenEnv: envName.optional(),
    username: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[^:\s]+$/, { error: 'must be a user name without a colon or spaces (basic auth puts a colon after it)' })
      .optional(),
    passwordEnv: envName.optional(),
  })
  .superRefine((a, ctx) => {
    const basic = a.username !== undefined || a.passwordEnv !== undefined;
    if (a.bearerTokenEnv !== undefined && basic)
      ctx.addIssue({ code: 'custom', path: [], message: 'must be either { bearerTokenEnv } or { username, passwordEnv }, not both' });
    else if (a.bearerTokenEnv === undefined && !basic)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'must be { bearerTokenEnv: PROMETHEUS_TOKEN } or { username: smartspec, passwordEnv: ALERTMANAGER_PASSWORD }',
      });
    else if (a.username !== undefined && a.passwordEnv === undefined)
      ctx.addIssue({ code: 'custom', path: ['passwordEnv'], message: 'is required with username: the environment variable that holds the password' });
    else if (a.passwordEnv !== undefined && a.username === undefined)
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required with passwordEnv: basic auth needs a user name' });
  });

const silenceMatcherSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be a Prometheus label name such as service' }),
    value: z.string().max(1000),
    isRegex: z.boolean().default(false),
    isEqual: z.boolean().default(true),
  })
  .refine((m) => !m.isRegex || compiles(m.value), { error: 'value is not a valid regular expression', path: ['value'] });

export const alertmanagerSchema = z
  .strictObject({
    url: peerUrl('http://alertmanager.monitoring:9093'),
    auth: peerAuthSchema.optional(),
    matchers: z.array(silenceMatcherSchema).min(1, { error: 'must list at least one matcher, e.g. [{ name: service, value: checkout }]' }),
    maxMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(120),
  })
  .refine((a) => a.matchers.some((m) => !matchesEmpty(m)), {
    // Alertmanager refuses such a silence; say so at startup, not in the middle of an incident.
    error:
      'every matcher matches the empty string, which would silence every alert: add one that names the service, e.g. { name: service, value: checkout }',
    path: ['matchers'],
  });

export const detectionSchema = z.strictObject({
  url: peerUrl('http://prometheus.monitoring:9090'),
  auth: peerAuthSchema.optional(),
  versionLabel: labelKey.optional(),
  queries: z
    .array(
      z
        .strictObject({
          name: z.string().min(1).max(100),
          kind: z.enum(['error_rate', 'latency', 'saturation'], { error: 'must be error_rate, latency or saturation' }),
          query: z.string().min(1).max(2000),
          max: z.number().optional(),
          min: z.number().optional(),
          severity: z.enum(['critical', 'high', 'medium', 'low'], { error: 'must be critical, high, medium or low' }),
          unit: z.string().max(10).optional(),
        })
        .refine((q) => (q.max === undefined) !== (q.min === undefined), { error: 'needs exactly one of max or min' }),
    )
    .min(1, { error: 'must list at least one query' }),
});

// The same placeholder list and scan the database step runner expands with, so a typo fails at start.
const databaseArgv = z
  .array(z.string().min(1))
  .min(1, { error: 'must be an argument array such as ["./db.sh", "backup", "{service}"]' })
  .refine((argv) => unknownPlaceholders(argv, DATABASE_PLACEHOLDERS).length === 0, {
    error: `uses an unknown placeholder (known: ${DATABASE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`,
  });
export const databaseSchema = z.strictObject({
  backup: databaseArgv.refine((argv) => !argv.some((arg) => arg.includes('{migration}')), {
    error: 'cannot use {migration}: the backup runs once, before any migration is undone',
  }),
  migrateDown: databaseArgv.refine((argv) => argv.some((arg) => arg.includes('{migration}')), {
    error: 'must contain {migration}: it runs once per migration to undo',
  }),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(6 * 3600)
    .default(1800),
});

export const verificationSchema = z.strictObject({
  http: z.array(z.strictObject({ url: z.url(), status: z.number().int().min(100).max(599).default(200) })).default([]),
  commands: z.array(z.array(z.string().min(1)).min(1, { error: 'must be an argument array such as ["./smoke.sh", "{version}"]' })).default([]),
  prometheus: z
    .array(
      z
        .strictObject({
          name: z.string().min(1).max(100),
          url: z.url({ error: 'must be the Prometheus base URL, e.g. http://prometheus.monitoring:9090' }),
          auth: peerAuthSchema.optional(),
          query: z.string().min(1).max(2000),
          max: z.number().optional(),
          min: z.number().optional(),
          samples: z.number().int().min(1).max(60).default(3),
          intervalSeconds: z.number().min(0.05).max(600).default(10),
        })
        .refine((c) => (c.max === undefined) !== (c.min === undefined), { error: 'needs exactly one of max or min' }),
    )
    .default([]),
  timeoutSeconds: z.number().int().min(5).max(3600).default(300),
  required: z.boolean().default(false),
});

export const approvalsSchema = z.strictObject({
  approvers: z.array(slackUser).min(1, { error: 'must name at least one approver: without approvers nothing could ever execute' }),
  requesters: z.array(slackUser).default([]),
  channels: z.array(z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'must be a Slack channel id' })).default([]),
  required: z.number().int().min(1).default(1),
  highRiskRequired: z.number().int().min(1).default(2),
  allowSelfApproval: z.boolean().default(false),
  autoApprove: z.array(slackUser).default([]),
  apiAutoApprove: z.boolean().default(false),
  maxAutoRisk: z
    .enum(['LOW', 'MEDIUM', 'HIGH'], { error: 'must be LOW, MEDIUM or HIGH (CRITICAL plans never run without people)' })
    .default('MEDIUM'),
  remindAfterMinutes: z
    .number({ error: 'must be a number of minutes' })
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
});

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** Alertmanager's own rule: a silence whose matchers all match "" would match every alert. */
function matchesEmpty(m: { value: string; isRegex: boolean; isEqual: boolean }): boolean {
  if (!m.isEqual) return false;
  return m.isRegex ? compiles(m.value) && new RegExp(`^(?:${m.value})$`, 'u').test('') : m.value === '';
}
