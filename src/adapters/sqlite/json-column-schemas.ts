// What the JSON columns must hold to be handed to the core. Objects are loose so a field the model
// gains later survives a round-trip through an older reader instead of being silently stripped.
import { z } from 'zod';
import type { Actor, Deployment, RollbackPlan, RootCause, Verification } from '../../core/model.js';

export const actorSchema: z.ZodType<Actor> = z.looseObject({
  kind: z.enum(['slack_user', 'api', 'pagerduty', 'cli', 'system']),
  id: z.string(),
  name: z.string().optional(),
});

const migrationSchema = z.looseObject({
  id: z.string(),
  reversible: z.boolean(),
  destructive: z.boolean(),
  mayLoseData: z.boolean(),
});

const componentSpecSchema = z.looseObject({
  image: z.string(),
  replicas: z.number().int().optional(),
});

/** The body as recorded; `status` and `createdAt` are overridden from their columns on read. */
export const deploymentSchema: z.ZodType<Deployment> = z.looseObject({
  id: z.string(),
  service: z.string(),
  environment: z.string(),
  version: z.string(),
  gitSha: z.string().optional(),
  status: z.enum(['succeeded', 'failed', 'in_progress', 'rolled_back', 'unverified']),
  createdAt: z.string(),
  createdBy: z.string(),
  components: z.record(z.string(), componentSpecSchema),
  migrations: z.array(migrationSchema),
  verification: z
    .looseObject({
      smoke: z.boolean().optional(),
      acceptance: z.boolean().optional(),
      security: z.boolean().optional(),
      performance: z.boolean().optional(),
    })
    .optional(),
});

const stepBase = { index: z.number().int(), component: z.string(), description: z.string(), expectedSeconds: z.number() };

const splitSchema = z.looseObject({ percent: z.number(), from: z.number(), to: z.number() });

const stepSchema = z.discriminatedUnion('kind', [
  z.looseObject({
    ...stepBase,
    kind: z.literal('rollout_undo'),
    target: z.looseObject({ image: z.string(), revision: z.number().int().optional() }),
  }),
  z.looseObject({ ...stepBase, kind: z.literal('scale'), replicas: z.number().int(), waitReady: z.boolean() }),
  z.looseObject({ ...stepBase, kind: z.literal('switch_traffic'), service: z.string(), label: z.string(), from: z.string(), to: z.string() }),
  z.looseObject({ ...stepBase, kind: z.literal('helm_rollback'), release: z.string(), revision: z.number().int() }),
  z.looseObject({ ...stepBase, kind: z.literal('command'), argv: z.array(z.string()) }),
  z.looseObject({ ...stepBase, kind: z.literal('database_backup'), argv: z.array(z.string()) }),
  z.looseObject({ ...stepBase, kind: z.literal('database_migrate_down'), migration: z.string(), argv: z.array(z.string()) }),
  z.looseObject({
    ...stepBase,
    kind: z.literal('workload_undo'),
    workload: z.enum(['StatefulSet', 'DaemonSet']),
    target: z.looseObject({ image: z.string(), revision: z.number().int().optional() }),
  }),
  z.looseObject({ ...stepBase, kind: z.literal('argo_abort') }),
  z.looseObject({ ...stepBase, kind: z.literal('argo_undo'), target: z.looseObject({ image: z.string(), revision: z.number().int().optional() }) }),
  z.looseObject({
    ...stepBase,
    kind: z.literal('gradual_shift'),
    via: z.enum(['replicas', 'http_route']),
    percent: z.number(),
    from: z.string(),
    to: z.string(),
    replicas: splitSchema.optional(),
    previous: splitSchema,
    pauseSeconds: z.number(),
    gateSeconds: z.number(),
    route: z.looseObject({ name: z.string(), rule: z.number().int(), fromBackend: z.string(), toBackend: z.string() }).optional(),
  }),
  z.looseObject({
    ...stepBase,
    kind: z.literal('config_restore'),
    configMap: z.string(),
    data: z.record(z.string(), z.string()),
    resourceVersion: z.string(),
  }),
]);

export const planSchema: z.ZodType<RollbackPlan> = z.looseObject({
  service: z.string(),
  environment: z.string(),
  failedDeploymentId: z.string(),
  targetDeploymentId: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  reason: z.string(),
  strategy: z.enum(['full', 'partial', 'instant', 'gradual']),
  components: z.array(z.string()),
  checks: z.array(z.looseObject({ id: z.string(), outcome: z.enum(['pass', 'warn', 'block']), message: z.string() })),
  risk: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  requiredApprovals: z.number().int(),
  steps: z.array(stepSchema),
  dryRun: z.boolean(),
  createdAt: z.string(),
  expiresAt: z.string(),
  fingerprint: z.string(),
});

export const verificationSchema: z.ZodType<Verification> = z.looseObject({
  phase: z.enum(['Succeeded', 'Failed']),
  checks: z.array(
    z.looseObject({
      name: z.string(),
      phase: z.enum(['passed', 'failed', 'skipped']),
      measured: z.string().optional(),
      threshold: z.string().optional(),
      durationMs: z.number(),
      detail: z.string(),
    }),
  ),
  startedAt: z.string(),
  finishedAt: z.string(),
});

const podEvidenceSchema = z.looseObject({
  name: z.string(),
  component: z.string(),
  image: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  restarts: z.number().int(),
  waitingReason: z.string().optional(),
  lastTerminationReason: z.string().optional(),
  lastExitCode: z.number().int().optional(),
  scheduledFailure: z.string().optional(),
});

export const rootCauseSchema: z.ZodType<RootCause> = z.looseObject({
  causes: z.array(
    z.looseObject({
      summary: z.string(),
      confidence: z.enum(['high', 'medium', 'low']),
      evidence: z.array(z.string()),
    }),
  ),
  pods: z.array(podEvidenceSchema),
  warnings: z.array(z.looseObject({ object: z.string(), reason: z.string(), message: z.string(), count: z.number().int() })),
  lastLogLines: z.array(z.looseObject({ pod: z.string(), container: z.string(), lines: z.array(z.string()) })),
});
