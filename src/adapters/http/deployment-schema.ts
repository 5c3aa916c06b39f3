// The deployment record CI posts (and `record-deployment` reads): the one accepted shape.
import { z } from 'zod';
import { ID_PATTERN } from '../../core/command.js';
import type { Deployment } from '../../core/model.js';

const id = z.string({ error: 'is required' }).regex(ID_PATTERN, { error: 'must be 1–128 characters of letters, digits and . _ @ / : + -' });

export const deploymentSchema = z.strictObject({
  id,
  service: id,
  environment: id,
  version: id,
  gitSha: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/, { error: 'must be 7–40 hex characters' })
    .optional(),
  status: z.enum(['succeeded', 'failed', 'in_progress'], { error: 'must be succeeded, failed or in_progress' }),
  createdAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-11-20T10:30:00Z' }),
  createdBy: z.string().min(1).max(128),
  components: z
    .record(
      z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, { error: 'must be a Kubernetes Deployment name' }),
      z.strictObject({ image: z.string().min(1).max(512), replicas: z.number().int().min(0).max(10_000).optional() }),
    )
    .refine((c) => Object.keys(c).length > 0, { error: 'must name at least one component' }),
  migrations: z.array(z.strictObject({ id, reversible: z.boolean(), destructive: z.boolean(), mayLoseData: z.boolean() })).default([]),
  verification: z
    .strictObject({
      smoke: z.boolean().optional(),
      acceptance: z.boolean().optional(),
      security: z.boolean().optional(),
      performance: z.boolean().optional(),
    })
    .optional(),
});

/** Normalises the time to UTC so that history orders correctly whatever offset CI used. */
export function toDeployment(input: z.infer<typeof deploymentSchema>): Deployment {
  return { ...input, createdAt: new Date(input.createdAt).toISOString() };
}
