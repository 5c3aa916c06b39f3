// GET /api/v1/readiness: the per-service readiness table (the latest rehearsal of each service; a
// service this replica has not rehearsed yet is rehearsed now). POST /api/v1/rehearsals: rehearse
// now (all services, or `{ "service": "<name>" }`) and answer the fresh table. Nothing is executed.
import type { CustomRoute } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ID_PATTERN } from '../../core/command.js';
import type { Logger } from '../../core/ports.js';
import type { ServiceReadiness } from '../../core/rehearsal/readiness.js';
import { rehearse, type RehearsalDeps } from '../../core/rehearsal/rehearsals.js';
import type { ApiTokenSpec, Catalog } from '../../core/service.js';
import { authenticate, principalOf, requireScope } from './api-auth.js';
import { HttpError, readBody, sendError, sendJson } from './http-kit.js';

export interface RehearsalRouteDeps {
  rehearsal: RehearsalDeps;
  catalog: Catalog & { apiTokens?: readonly ApiTokenSpec[] };
  logger: Logger;
  apiToken: string | undefined;
  newErrorId(): string;
}

const rehearseBody = z.strictObject({ service: z.string().regex(ID_PATTERN, { error: 'must be a service name from the catalog' }).optional() });

export function rehearsalRoutes(deps: RehearsalRouteDeps): CustomRoute[] {
  const guarded = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) => (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      try {
        authenticate(req, deps.apiToken, deps.catalog.apiTokens ?? []);
        await handler(req, res);
      } catch (error) {
        sendError(res, error, (e) => {
          const errorId = deps.newErrorId();
          deps.logger.error({ err: e, errorId, path: req.url }, 'readiness request failed');
          return errorId;
        });
      }
    })();
  };

  const knownService = (name: string | undefined): string[] | undefined => {
    if (name === undefined) return undefined;
    if (![...deps.catalog.services.values()].some((s) => s.name === name)) {
      throw new HttpError(404, `Service ${name} is not in the catalog. Known: ${[...deps.catalog.services.keys()].join(', ')}.`, [
        { path: 'service', message: 'unknown service' },
      ]);
    }
    return [name];
  };

  const getReadiness = async (req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    for (const key of query.keys())
      if (key !== 'service')
        throw new HttpError(400, `Unknown query parameter ${key}; the only one is service.`, [{ path: key, message: 'unknown parameter' }]);
    const service = query.get('service') ?? undefined;
    if (service !== undefined && !ID_PATTERN.test(service))
      throw new HttpError(400, 'service is not a valid service name.', [{ path: 'service', message: 'must be a service name from the catalog' }]);
    const names = knownService(service);
    requireScope(principalOf(req), 'read', service);
    const wanted = [...deps.catalog.services.values()].filter((s) => !names || names.includes(s.name)).map((s) => s.name);
    const missing = wanted.filter((n) => !deps.rehearsal.board.get(n));
    if (missing.length > 0) await rehearse(deps.rehearsal, missing);
    sendJson(res, 200, table(wanted.map((n) => deps.rehearsal.board.get(n)).filter((r): r is ServiceReadiness => r !== undefined)));
  };

  const postRehearsal = async (req: IncomingMessage, res: ServerResponse) => {
    const text = (await readBody(req)).trim();
    let raw: unknown = {};
    if (text !== '') {
      try {
        raw = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'The body is not valid JSON; send {} or { "service": "<name>" }.');
      }
    }
    const parsed = rehearseBody.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      throw new HttpError(400, `The body is not valid: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`, issues);
    }
    const names = knownService(parsed.data.service);
    requireScope(principalOf(req), 'read', parsed.data.service);
    sendJson(res, 200, table(await rehearse(deps.rehearsal, names)));
  };

  return [
    { path: '/api/v1/readiness', method: ['GET'], handler: guarded(getReadiness) },
    { path: '/api/v1/rehearsals', method: ['POST'], handler: guarded(postRehearsal) },
  ];
}

function table(services: ServiceReadiness[]) {
  return { ready: services.every((s) => s.ready), services };
}
