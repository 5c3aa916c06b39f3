// Where correlation starts: each Slack request (Bolt global middleware) and each of our own HTTP
// routes runs inside withCorrelation, so every line logged for it — by Bolt, a listener, a use case
// or a run it starts — carries the same requestId, and the runId when the request names a run.
import type { AnyMiddlewareArgs, CustomRoute, Middleware } from '@slack/bolt';
import { z } from 'zod';
import { ID_PATTERN } from '../../core/command.js';
import { acceptRequestId, newRequestId, withCorrelation } from './correlation.js';

// The run buttons (approve, reject, cancel, retry) carry only the run id as their value.
const runButton = z.object({
  type: z.literal('block_actions'),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().regex(ID_PATTERN).optional() })).min(1),
});

export function correlationMiddleware(
  runActionIds: readonly string[] = ['rollback_approve', 'rollback_reject', 'rollback_cancel', 'rollback_retry'],
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const parsed = runButton.safeParse(body);
    const action = parsed.success ? parsed.data.actions[0] : undefined;
    const runId = action && runActionIds.includes(action.action_id) ? action.value : undefined;
    await withCorrelation({ requestId: newRequestId(), ...(runId ? { runId } : {}) }, next);
  };
}

/** Our routes with correlation: the caller's X-Request-Id when it is a plausible id, else a new one, echoed back. */
export function correlateRoutes(routes: CustomRoute[]): CustomRoute[] {
  return routes.map((route) => ({
    ...route,
    handler: (req, res) => {
      const requestId = acceptRequestId(req.headers['x-request-id']);
      res.setHeader('x-request-id', requestId);
      withCorrelation({ requestId }, () => route.handler(req, res));
    },
  }));
}
