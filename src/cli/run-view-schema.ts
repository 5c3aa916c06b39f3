// The bot's answers are input from outside too: parsed, never cast.
import { z } from 'zod';
import { RUN_STATUSES } from '../core/model.js';

const check = z.object({ id: z.string(), outcome: z.enum(['pass', 'warn', 'block']), message: z.string() });

const reading = z.union([z.object({ value: z.number() }), z.object({ error: z.string() })]);
const detection = z.object({
  measuredAt: z.string(),
  beforeAt: z.string(),
  versionLabel: z.string().optional(),
  failedVersion: z.string(),
  targetVersion: z.string(),
  measurements: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['error_rate', 'latency', 'saturation']),
      severity: z.enum(['critical', 'high', 'medium', 'low']),
      query: z.string(),
      threshold: z.string(),
      unit: z.string().optional(),
      now: reading,
      before: reading,
      status: z.enum(['breached', 'ok', 'unknown']),
    }),
  ),
  decision: z.object({
    severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
    response: z.enum(['rollback_immediately', 'prompt', 'log']),
    why: z.string(),
  }),
});

export const runViewSchema = z.object({
  id: z.string(),
  status: z.enum(RUN_STATUSES as [string, ...string[]]),
  service: z.string(),
  environment: z.string(),
  failedDeploymentId: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  risk: z.string(),
  strategy: z.string(),
  reason: z.string(),
  requiredApprovals: z.number(),
  expiresAt: z.string(),
  dryRun: z.boolean(),
  checks: z.array(check),
  // "Verified" means checked; older bots do not send these.
  verified: z.boolean().nullable().optional(),
  verification: z.object({ phase: z.string(), notVerified: z.string().optional() }).loose().nullable().optional(),
  forced: z.boolean().optional(),
  automation: z.object({ via: z.string(), allowed: z.boolean(), reason: z.string() }).nullable().optional(),
  // Older bots do not send it.
  detection: detection.nullable().optional(),
  steps: z.array(
    z.object({
      index: z.number(),
      kind: z.string(),
      component: z.string(),
      description: z.string(),
      expectedSeconds: z.number(),
      status: z.string(),
      detail: z.string().nullable(),
    }),
  ),
  timeline: z.array(
    z.object({ at: z.string(), type: z.string(), detail: z.string(), actor: z.object({ kind: z.string(), id: z.string() }).loose() }),
  ),
});

export type RunViewJson = z.infer<typeof runViewSchema>;
