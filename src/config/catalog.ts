// The services catalog (smartspec.yml): parsed once, strictly, so a typo is an error and not a silent default.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Catalog, Service } from '../core/service.js';
import { uncheckedServiceWarnings } from '../core/verification-verdict.js';
import {
  alertmanagerSchema,
  approvalsSchema,
  commandSchema,
  databaseSchema,
  detectionSchema,
  helmSchema,
  kubernetesSchema,
  name,
  pagerDutySchema,
  verificationSchema,
} from './catalog-sections.js';
import { ConfigError, formatIssues } from './config-error.js';
import { type PeerAuthUse, peerAuthUsesOf, withoutAuth } from './peer-credentials.js';

/** The catalog plus its peers' `auth` blocks, which main.ts resolves from the environment (peer-credentials.ts). */
export interface LoadedCatalog extends Catalog {
  peerAuth: PeerAuthUse[];
}

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

export function parseCatalog(text: string, source: string): LoadedCatalog {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = catalogSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(source, result.error));
  const services = new Map<string, Service>();
  const peerAuth: PeerAuthUse[] = [];
  for (const [serviceName, svc] of Object.entries(result.data.services)) {
    peerAuth.push(...peerAuthUsesOf(serviceName, svc));
    services.set(serviceName, {
      name: serviceName,
      environment: svc.environment,
      ...(svc.channel ? { channel: svc.channel } : {}),
      target: targetOf(svc),
      // `auth` names environment variables: it stays here, out of plans, API views and logs.
      verification: { ...svc.verification, prometheus: svc.verification.prometheus.map(withoutAuth) },
      approvals: svc.approvals,
      planExpiryMinutes: svc.planExpiryMinutes,
      historyKeep: svc.history.keep,
      preserveDataMigrations: svc.preserveDataMigrations,
      reasonRequired: result.data.requireReasonIn.includes(svc.environment),
      ...(svc.pagerduty ? { pagerduty: svc.pagerduty } : {}),
      ...(svc.alertmanager ? { alertmanager: withoutAuth(svc.alertmanager) } : {}),
      ...(svc.detection ? { detection: withoutAuth(svc.detection) } : {}),
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
  return { services, apiTokens, warnings: uncheckedServiceWarnings(services.values()), peerAuth };
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

export function loadCatalog(path: string): LoadedCatalog {
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
