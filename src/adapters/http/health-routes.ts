// Liveness: the process answers. Readiness grows with the dependencies it checks.
import type { CustomRoute } from '@slack/bolt';
import { sendJson } from './http-kit.js';

export function healthRoutes(): CustomRoute[] {
  return [{ path: '/healthz', method: ['GET'], handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) }];
}
