// The services catalog (smartspec.yml): parsed once, strictly, so a typo is an error and not a silent default.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ID_PATTERN } from '../core/command.js';
import type { Catalog, Service } from '../core/service.js';
import { ConfigError, formatIssues } from './config-error.js';

const name = z.string().regex(ID_PATTERN, { error: 'must be 1–128 characters of letters, digits and . _ @ / : + -' });
const slackUser = z.string().regex(/^[UWS][A-Z0-9]{2,}$/, { error: 'must be a Slack user id (U…/W…) or user-group id (S…)' });

const kubernetesSchema = z.strictObject({
  context: z.string().min(1).optional(),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a Kubernetes namespace name' }),
  deployments: z.array(z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, { error: 'must be a Kubernetes Deployment name' })).min(1, { error: 'must list at least one Deployment' }),
  core: z.array(z.string()).default([]),
});

const verificationSchema = z.strictObject({
  http: z.array(z.strictObject({ url: z.url(), status: z.number().int().min(100).max(599).default(200) })).default([]),
  commands: z.array(z.array(z.string().min(1)).min(1, { error: 'must be an argument array such as ["./smoke.sh", "{version}"]' })).default([]),
  timeoutSeconds: z.number().int().min(5).max(3600).default(300),
});

const approvalsSchema = z.strictObject({
  approvers: z.array(slackUser).min(1, { error: 'must name at least one approver: without approvers nothing could ever execute' }),
  required: z.number().int().min(1).default(1),
  highRiskRequired: z.number().int().min(1).default(2),
  allowSelfApproval: z.boolean().default(false),
  autoApprove: z.array(slackUser).default([]),
});

const serviceSchema = z.strictObject({
  environment: name.default('production'),
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, { error: 'must be a Slack channel id such as C0INCIDENTS' }).optional(),
  kubernetes: kubernetesSchema,
  verification: verificationSchema.default({ http: [], commands: [], timeoutSeconds: 300 }),
  approvals: approvalsSchema,
  planExpiryMinutes: z.number().int().min(1).max(24 * 60).default(30),
}).superRefine((svc, ctx) => {
  for (const core of svc.kubernetes.core) {
    if (!svc.kubernetes.deployments.includes(core)) {
      ctx.addIssue({ code: 'custom', path: ['kubernetes', 'core'], message: `names ${core}, which is not in kubernetes.deployments` });
    }
  }
});

const catalogSchema = z.strictObject({
  services: z.record(name, serviceSchema).refine((s) => Object.keys(s).length > 0, { error: 'must define at least one service' }),
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
      target: { kind: 'kubernetes', ...svc.kubernetes },
      verification: svc.verification,
      approvals: svc.approvals,
      planExpiryMinutes: svc.planExpiryMinutes,
    });
  }
  return { services };
}

export function loadCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot be read (${code ?? 'error'}): set SMARTSPEC_CONFIG to the services catalog, e.g. a copy of smartspec.example.yml`);
  }
  return parseCatalog(text, path);
}
