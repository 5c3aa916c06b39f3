// /api/v1: what CI and scripts call. Bearer-token guarded; bad bodies are 400 with the field named.
import type { CustomRoute } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalog } from '../../core/service.js';
import type { Logger, Store } from '../../core/ports.js';
import { recordDeployment } from '../../core/use-cases/deployment-history.js';
import { deploymentSchema, toDeployment } from './deployment-schema.js';
import { hasBearerToken, HttpError, readJson, sendError, sendJson } from './http-kit.js';
import { runView } from './run-view.js';

export interface ApiRouteDeps {
  store: Store;
  catalog: Catalog;
  logger: Logger;
  apiToken: string | undefined;
  newErrorId(): string;
}

type Request = IncomingMessage & { params?: Partial<Record<string, string | string[]>> };
type Handler = (req: Request, res: ServerResponse) => Promise<void>;

export function apiRoutes(deps: ApiRouteDeps): CustomRoute[] {
  const guarded = (handler: Handler) => (req: Request, res: ServerResponse) => {
    void (async () => {
      try {
        if (!hasBearerToken(req, deps.apiToken)) {
          throw new HttpError(401, deps.apiToken ? 'Missing or wrong bearer token.' : 'The API is disabled: set SMARTSPEC_API_TOKEN on the bot.');
        }
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

  const postDeployment: Handler = async (req, res) => {
    const deployment = toDeployment(await readJson(req, deploymentSchema));
    const service = deps.catalog.services.get(deployment.service);
    if (!service) {
      throw new HttpError(400, `Service ${deployment.service} is not in the catalog.`, [{ path: 'service', message: `unknown service; known: ${[...deps.catalog.services.keys()].join(', ')}` }]);
    }
    const outcome = await recordDeployment(deps, deployment);
    if (outcome === 'conflict') throw new HttpError(409, `Deployment ${deployment.id} is already recorded with a different body; ids are immutable.`);
    sendJson(res, outcome === 'created' ? 201 : 200, { id: deployment.id, outcome });
  };

  const getRollback: Handler = async (req, res) => {
    const id = String(req.params?.['id'] ?? '');
    const run = await deps.store.getRun(id);
    if (!run) throw new HttpError(404, `No rollback run ${id}.`);
    sendJson(res, 200, runView(run, await deps.store.timeline(id)));
  };

  return [
    { path: '/api/v1/deployments', method: ['POST'], handler: guarded(postDeployment) },
    { path: '/api/v1/rollbacks/:id', method: ['GET'], handler: guarded(getRollback) },
  ];
}
