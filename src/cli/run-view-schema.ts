// The bot's answers are input from outside too: parsed, never cast.
import { z } from 'zod';
import { RUN_STATUSES } from '../core/model.js';

const check = z.object({ id: z.string(), outcome: z.enum(['pass', 'warn', 'block']), message: z.string() });

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
  steps: z.array(z.object({
    index: z.number(), kind: z.string(), component: z.string(), description: z.string(), expectedSeconds: z.number(),
    status: z.string(), detail: z.string().nullable(),
  })),
  timeline: z.array(z.object({ at: z.string(), type: z.string(), detail: z.string(), actor: z.object({ kind: z.string(), id: z.string() }).loose() })),
});

export type RunViewJson = z.infer<typeof runViewSchema>;
