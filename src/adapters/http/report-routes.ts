// GET /api/v1/rollbacks/:id/report: the run's Markdown report, built on demand from the stored run and
// its timeline (so it always matches the thread), behind the same bearer token as the rest of /api/v1.
// `?format=text` answers the CLI's tree summary instead.
import type { CustomRoute } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Store } from '../../core/ports.js';
import { UserError } from '../../core/errors.js';
import { loadRunReport, REPORT_ROUTE } from '../../core/report/run-report.js';
import type { ApiTokenSpec } from '../../core/service.js';
import { authenticate, requireScope } from './api-auth.js';
import { HttpError, sendError } from './http-kit.js';

export interface ReportRouteDeps {
  store: Pick<Store, 'getRun' | 'timeline'>;
  logger: Logger;
  apiToken: string | undefined;
  /** Per-service tokens (catalog apiTokens): the report needs the read scope for the run's service. */
  apiTokens?: readonly ApiTokenSpec[];
  newErrorId(): string;
}

type Request = IncomingMessage & { params?: Partial<Record<string, string | string[]>> };

export function reportRoutes(deps: ReportRouteDeps): CustomRoute[] {
  const handler = (req: Request, res: ServerResponse) => {
    void (async () => {
      try {
        const principal = authenticate(req, deps.apiToken, deps.apiTokens ?? []);
        const id = String(req.params?.['id'] ?? '');
        const run = await deps.store.getRun(id);
        if (run) requireScope(principal, 'read', run.plan.service);
        const format = new URL(req.url ?? '/', 'http://localhost').searchParams.get('format') ?? 'markdown';
        if (format !== 'markdown' && format !== 'text')
          throw new HttpError(400, 'format must be markdown or text.', [{ path: 'format', message: 'expected markdown or text' }]);
        const report = await loadRunReport(deps.store, id).catch((error: unknown) => {
          throw error instanceof UserError ? new HttpError(404, `No rollback run ${id}.`) : error;
        });
        const body = format === 'text' ? `${report.tree}\n` : report.markdown;
        res.writeHead(200, {
          'content-type': `${format === 'text' ? 'text/plain' : 'text/markdown'}; charset=utf-8`,
          'content-length': Buffer.byteLength(body),
          'cache-control': 'no-store',
          'content-disposition': `inline; filename="rollback-${id.replace(/[^A-Za-z0-9._-]/g, '_')}.${format === 'text' ? 'txt' : 'md'}"`,
        });
        res.end(body);
      } catch (error) {
        sendError(res, error, (e) => {
          const errorId = deps.newErrorId();
          deps.logger.error({ err: e, errorId, path: req.url }, 'report request failed');
          return errorId;
        });
      }
    })();
  };
  return [{ path: REPORT_ROUTE, method: ['GET'], handler }];
}
