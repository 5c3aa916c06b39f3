// /api/v1: what CI and scripts call. Bearer-token guarded; bad bodies are 400 with the field named.
import type { CustomRoute } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalog } from '../../core/service.js';
import type { Logger, Store } from '../../core/ports.js';
import { z } from 'zod';
import { ID_PATTERN, type RollbackRequest } from '../../core/command.js';
import { UserError, type UserErrorKind } from '../../core/errors.js';
import type { UseCaseDeps } from '../../core/use-cases/deps.js';
import { requestRollback } from '../../core/use-cases/request-rollback.js';
import { recordDeployment } from '../../core/use-cases/deployment-history.js';
import { deploymentSchema, toDeployment } from './deployment-schema.js';
import { actorFor, authenticate, principalOf, requireScope, serviceOfDiscoveredId } from './api-auth.js';
import { HttpError, readJson, sendError, sendJson } from './http-kit.js';
import { cancelRollback } from './rollback-cancel-route.js';
import { listRollbacks } from './rollback-list-route.js';
import { retryRollback } from './rollback-retry-route.js';
import { runView } from './run-view.js';

export interface ApiRouteDeps {
  store: Store;
  catalog: Catalog;
  logger: Logger;
  apiToken: string | undefined;
  newErrorId(): string;
  /** The use cases need the Slack client, which exists only once the app is built: hence a getter. */
  useCases(): UseCaseDeps;
}

const rollbackRequestSchema = z
  .strictObject({
    failedDeploymentId: z.string().regex(ID_PATTERN, { error: 'must be 1–128 characters of letters, digits and . _ @ / : + -' }).optional(),
    /** By service name: its newest deployment is the failed one. */
    service: z.string().regex(ID_PATTERN, { error: 'must be 1–128 characters of letters, digits and . _ @ / : + -' }).optional(),
    incident: z.string().regex(ID_PATTERN, { error: 'must be a PagerDuty incident id' }).optional(),
    targetVersion: z.string().regex(ID_PATTERN, { error: 'must be 1–128 characters of letters, digits and . _ @ / : + -' }).optional(),
    environment: z.string().regex(ID_PATTERN).optional(),
    components: z.array(z.string().regex(ID_PATTERN)).min(1).max(20).optional(),
    autoApprove: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    reason: z.string().min(1).max(500).optional(),
    strategy: z.enum(['gradual', 'instant'], { error: 'must be gradual or instant (blue-green services only)' }).optional(),
    // Named rather than left to "unrecognized key": a caller reaching for it is told why, and what instead.
    force: z
      .never({ error: 'is for people in Slack, never for automation: ask without it, or have an on-call engineer force it in Slack' })
      .optional(),
  })
  .refine((b) => (b.failedDeploymentId === undefined) !== (b.service === undefined), {
    error: 'give exactly one of failedDeploymentId and service',
    path: ['failedDeploymentId'],
  });

const USER_ERROR_STATUS: Record<UserErrorKind, number> = { invalid: 422, not_found: 404, policy: 403 };

type Request = IncomingMessage & { params?: Partial<Record<string, string | string[]>> };
type Handler = (req: Request, res: ServerResponse) => Promise<void>;

export function apiRoutes(deps: ApiRouteDeps): CustomRoute[] {
  const guarded = (handler: Handler) => (req: Request, res: ServerResponse) => {
    void (async () => {
      try {
        // The admin token, or a per-service token whose scopes each handler checks (api-auth.ts).
        authenticate(req, deps.apiToken, deps.catalog.apiTokens ?? []);
        await handler(req, res);
      } catch (error) {
        sendError(res, error, (e) => {
          const errorId = deps.newErrorId();
          deps.logger.error({ err: e, errorId, path: req.url }, 'API request failed');
          return errorId;
        });
      }
    })();
  };

  /** A run's service decides the scope; an unknown run is left to the route to answer 404. */
  const actOnRun = async (req: Request, scope: 'rollback' | 'read') => {
    const run = await deps.store.getRun(String(req.params?.['id'] ?? ''));
    if (run) requireScope(principalOf(req), scope, run.plan.service);
    return actorFor(principalOf(req));
  };

  const postDeployment: Handler = async (req, res) => {
    const deployment = toDeployment(await readJson(req, deploymentSchema));
    const service = deps.catalog.services.get(deployment.service);
    if (!service) {
      throw new HttpError(400, `Service ${deployment.service} is not in the catalog.`, [
        { path: 'service', message: `unknown service; known: ${[...deps.catalog.services.keys()].join(', ')}` },
      ]);
    }
    requireScope(principalOf(req), 'record', service.name);
    const outcome = await recordDeployment({ ...deps, provider: deps.useCases().provider }, deployment);
    if (outcome === 'conflict') throw new HttpError(409, `Deployment ${deployment.id} is already recorded with a different body; ids are immutable.`);
    sendJson(res, outcome === 'created' ? 201 : 200, { id: deployment.id, outcome });
  };

  const postRollback: Handler = async (req, res) => {
    const body = await readJson(req, rollbackRequestSchema);
    const deps2 = deps.useCases();
    const failed = body.failedDeploymentId !== undefined ? await deps.store.getDeployment(body.failedDeploymentId) : undefined;
    const service = deps.catalog.services.get(failed?.service ?? body.service ?? '');
    requireScope(principalOf(req), 'rollback', service?.name ?? serviceOfDiscoveredId(body.failedDeploymentId));
    // CI has no channel of its own: the plan and the outcome go to the service's incident channel.
    if (failed && service && !service.channel)
      throw new HttpError(
        422,
        `Service ${service.name} has no channel in the catalog, so the plan could not be shown to anyone. Add services.${service.name}.channel.`,
      );
    const request: RollbackRequest = {
      kind: 'rollback',
      dryRun: body.dryRun,
      autoApprove: body.autoApprove,
      ...(body.failedDeploymentId !== undefined ? { failedDeploymentId: body.failedDeploymentId } : {}),
      ...(body.service !== undefined ? { service: body.service } : {}),
      ...(body.incident !== undefined ? { incident: body.incident } : {}),
      ...(body.targetVersion ? { targetVersion: body.targetVersion } : {}),
      ...(body.environment ? { environment: body.environment } : {}),
      ...(body.components ? { components: body.components } : {}),
      ...(body.reason ? { reason: body.reason } : {}),
      ...(body.strategy ? { strategy: body.strategy } : {}),
    };
    try {
      const run = await requestRollback(deps2, { request, requester: actorFor(principalOf(req)), channel: service?.channel ?? '' });
      sendJson(res, 201, runView(run, await deps.store.timeline(run.id)));
    } catch (error) {
      if (error instanceof UserError) throw new HttpError(USER_ERROR_STATUS[error.kind], error.message);
      throw error;
    }
  };

  const getRollback: Handler = async (req, res) => {
    const id = String(req.params?.['id'] ?? '');
    const run = await deps.store.getRun(id);
    if (!run) throw new HttpError(404, `No rollback run ${id}.`);
    requireScope(principalOf(req), 'read', run.plan.service);
    sendJson(res, 200, runView(run, await deps.store.timeline(id)));
  };

  const getRollbacks: Handler = async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    requireScope(principalOf(req), 'read', query.get('service') ?? undefined);
    sendJson(res, 200, await listRollbacks(deps.store, query));
  };

  const postCancel: Handler = async (req, res) => {
    const actor = await actOnRun(req, 'rollback');
    const { status, body } = await cancelRollback(req, deps.useCases(), deps.store, actor);
    sendJson(res, status, body);
  };

  const postRetry: Handler = async (req, res) => {
    const actor = await actOnRun(req, 'rollback');
    const { status, body } = await retryRollback(req, deps.useCases(), deps.store, actor);
    sendJson(res, status, body);
  };

  return [
    { path: '/api/v1/deployments', method: ['POST'], handler: guarded(postDeployment) },
    { path: '/api/v1/rollbacks', method: ['GET'], handler: guarded(getRollbacks) },
    { path: '/api/v1/rollbacks', method: ['POST'], handler: guarded(postRollback) },
    { path: '/api/v1/rollbacks/:id', method: ['GET'], handler: guarded(getRollback) },
    { path: '/api/v1/rollbacks/:id/cancel', method: ['POST'], handler: guarded(postCancel) },
    { path: '/api/v1/rollbacks/:id/retry', method: ['POST'], handler: guarded(postRetry) },
  ];
}
