// The services catalog (smartspec.yml): parsed once, strictly, so a typo is an error and not a silent default.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ID_PATTERN } from '../core/command.js';
import type { Catalog, Service } from '../core/service.js';
import { uncheckedServiceWarnings } from '../core/verification-verdict.js';
import { ConfigError, formatIssues } from './config-error.js';

const name = z.string().regex(ID_PATTERN, { error: 'must be 1–128 characters of letters, digits and . _ @ / : + -' });
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

const kubernetesSchema = z
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

const helmSchema = z.strictObject({
  release: objectName,
  namespace,
  context: z.string().min(1).optional(),
  timeoutSeconds: z.number().int().min(10).max(3600).default(300),
});

const commandSchema = z.strictObject({
  rollback: z.array(z.string().min(1)).min(1, { error: 'must be an argument array such as ["./scripts/rollback.sh", "{service}", "{version}"]' }),
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
});

const pagerDutySchema = z.strictObject({
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

const silenceMatcherSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be a Prometheus label name such as service' }),
    value: z.string().max(1000),
    isRegex: z.boolean().default(false),
    isEqual: z.boolean().default(true),
  })
  .refine((m) => !m.isRegex || compiles(m.value), { error: 'value is not a valid regular expression', path: ['value'] });

const alertmanagerSchema = z
  .strictObject({
    url: peerUrl('http://alertmanager.monitoring:9093'),
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

const detectionSchema = z.strictObject({
  url: peerUrl('http://prometheus.monitoring:9090'),
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

const DATABASE_PLACEHOLDERS = new Set(['service', 'version', 'environment', 'runId', 'migration']);
const databaseArgv = z
  .array(z.string().min(1))
  .min(1, { error: 'must be an argument array such as ["./db.sh", "backup", "{service}"]' })
  .refine((argv) => argv.every((arg) => [...arg.matchAll(/\{(\w+)\}/g)].every((m) => DATABASE_PLACEHOLDERS.has(m[1]!))), {
    error: 'uses an unknown placeholder (known: {service}, {version}, {environment}, {runId}, {migration})',
  });
const databaseSchema = z.strictObject({
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

const verificationSchema = z.strictObject({
  http: z.array(z.strictObject({ url: z.url(), status: z.number().int().min(100).max(599).default(200) })).default([]),
  commands: z.array(z.array(z.string().min(1)).min(1, { error: 'must be an argument array such as ["./smoke.sh", "{version}"]' })).default([]),
  prometheus: z
    .array(
      z
        .strictObject({
          name: z.string().min(1).max(100),
          url: z.url({ error: 'must be the Prometheus base URL, e.g. http://prometheus.monitoring:9090' }),
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

const approvalsSchema = z.strictObject({
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

const serviceSchema = z
  .strictObject({
    environment: name.default('production'),
    channel: z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'must be a Slack channel id such as C0INCIDENTS' })
      .optional(),
    kubernetes: kubernetesSchema.optional(),
    helm: helmSchema.optional(),
    command: commandSchema.optional(),
    verification: verificationSchema.default({ http: [], commands: [], prometheus: [], timeoutSeconds: 300, required: false }),
    approvals: approvalsSchema,
    planExpiryMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    history: z.strictObject({ keep: z.number().int().min(2).max(1000).default(20) }).default({ keep: 20 }),
    preserveDataMigrations: z.boolean().default(true),
    pagerduty: pagerDutySchema.optional(),
    alertmanager: alertmanagerSchema.optional(),
    detection: detectionSchema.optional(),
    database: databaseSchema.optional(),
    runbook: z.url({ protocol: /^https?$/, error: "must be the http(s) URL of the service's runbook" }).optional(),
    rehearsal: z
      .strictObject({
        everyHours: z
          .number()
          .min(0.001, { error: 'must be a positive number of hours' })
          .max(24 * 30),
      })
      .optional(),
    followUp: z
      .strictObject({
        github: z
          .strictObject({ repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be owner/name of a GitHub repository' }) })
          .optional(),
      })
      .optional(),
  })
  .superRefine((svc, ctx) => {
    const kinds = (['kubernetes', 'helm', 'command'] as const).filter((k) => svc[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `must have exactly one of kubernetes, helm or command (found ${kinds.length === 0 ? 'none' : kinds.join(' and ')})`,
      });
    }
    for (const core of svc.kubernetes?.core ?? []) {
      const k = svc.kubernetes;
      if (k && ![...k.deployments, ...k.statefulSets, ...k.daemonSets, ...k.rollouts].includes(core)) {
        ctx.addIssue({
          code: 'custom',
          path: ['kubernetes', 'core'],
          message: `names ${core}, which is not in kubernetes.deployments (or statefulSets, daemonSets, rollouts)`,
        });
      }
    }
    if (svc.kubernetes?.blueGreen && svc.kubernetes.deployments.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['kubernetes', 'blueGreen'], message: 'needs exactly two deployments, one per side' });
    }
  });

function targetOf(svc: z.infer<typeof serviceSchema>): Service['target'] {
  if (svc.kubernetes) {
    const { statefulSets, daemonSets, rollouts, ...k } = svc.kubernetes;
    const workloads = [
      ...statefulSets.map((name) => ({ name, kind: 'StatefulSet' as const })),
      ...daemonSets.map((name) => ({ name, kind: 'DaemonSet' as const })),
      ...rollouts.map((name) => ({ name, kind: 'Rollout' as const })),
    ];
    const { progressDeadlineSeconds, ...rest } = k;
    return {
      kind: 'kubernetes',
      ...rest,
      ...(workloads.length > 0 ? { workloads } : {}),
      ...(progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds } : {}),
    };
  }
  if (svc.helm) return { kind: 'helm', ...svc.helm };
  return { kind: 'command', ...svc.command! };
}

const apiTokenSchema = z.strictObject({
  name,
  sha256: z.string().regex(/^[a-f0-9]{64}$/, {
    error: 'must be the token\'s SHA-256 as 64 lowercase hex digits (printf %s "$TOKEN" | sha256sum), never the token itself',
  }),
  scopes: z
    .array(z.enum(['record', 'rollback', 'read'], { error: 'must be record, rollback or read' }))
    .min(1, { error: 'must list at least one scope' }),
  services: z.array(z.union([z.literal('*'), name])).min(1, { error: 'must list the services the token covers, or ["*"]' }),
});

const apiTokensFileSchema = z.strictObject({ apiTokens: z.array(apiTokenSchema) });

/** Exported for test/unit/catalog-reference.test.ts, which holds docs/OPERATIONS.md to every key it accepts. */
export const catalogSchema = z
  .strictObject({
    services: z.record(name, serviceSchema).refine((s) => Object.keys(s).length > 0, { error: 'must define at least one service' }),
    requireReasonIn: z.array(name).default(['production']),
    apiTokens: z.array(apiTokenSchema).default([]),
    apiTokensFile: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    c.apiTokens.forEach((t, i) => {
      for (const svc of t.services) {
        if (svc !== '*' && !(svc in c.services))
          ctx.addIssue({ code: 'custom', path: ['apiTokens', i, 'services'], message: `names ${svc}, which is not a service in this catalog` });
      }
    });
  });

export function parseCatalog(text: string, source: string): Catalog {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = catalogSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(source, result.error));
  const services = new Map<string, Service>();
  for (const [serviceName, svc] of Object.entries(result.data.services)) {
    services.set(serviceName, {
      name: serviceName,
      environment: svc.environment,
      ...(svc.channel ? { channel: svc.channel } : {}),
      target: targetOf(svc),
      verification: svc.verification,
      approvals: svc.approvals,
      planExpiryMinutes: svc.planExpiryMinutes,
      historyKeep: svc.history.keep,
      preserveDataMigrations: svc.preserveDataMigrations,
      reasonRequired: result.data.requireReasonIn.includes(svc.environment),
      ...(svc.pagerduty ? { pagerduty: svc.pagerduty } : {}),
      ...(svc.alertmanager ? { alertmanager: svc.alertmanager } : {}),
      ...(svc.detection ? { detection: svc.detection } : {}),
      ...(svc.database ? { database: svc.database } : {}),
      ...(svc.runbook ? { runbook: svc.runbook } : {}),
      ...(svc.followUp?.github ? { followUp: { github: svc.followUp.github } } : {}),
      ...(svc.rehearsal ? { rehearsal: svc.rehearsal } : {}),
    });
  }
  const apiTokens = [...result.data.apiTokens, ...readApiTokensFile(result.data.apiTokensFile, source)];
  const names = apiTokens.map((t) => t.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new ConfigError(`${source}: apiTokens: the name ${duplicate} is used twice; the audit names tokens, so each needs its own`);
  return { services, apiTokens, warnings: uncheckedServiceWarnings(services.values()) };
}

/** `apiTokensFile`: the tokens kept apart from the catalog (e.g. a mounted Secret), relative to the catalog. */
function readApiTokensFile(file: string | undefined, source: string) {
  if (file === undefined) return [];
  const path = resolve(dirname(source), file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${source}: apiTokensFile: ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = apiTokensFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(path, parsed.error));
  return parsed.data.apiTokens;
}

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

export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${path}: cannot be read (${code ?? 'error'}): set SMARTSPEC_CONFIG to the services catalog, e.g. a copy of smartspec.example.yml`,
    );
  }
  return parseCatalog(text, path);
}
