// POST /api/v1/rollbacks/:id/retry: plan a failed, interrupted, expired or cancelled run again as a
// new run (201, the new run), through the same policy and safety checks; the plan is posted in the
// old run's channel for approval. 404 unknown run, 409 when it cannot be retried (and why).
import type { IncomingMessage } from 'node:http';
import { ID_PATTERN } from '../../core/command.js';
import type { Actor } from '../../core/model.js';
import type { Store } from '../../core/ports.js';
import type { UseCaseDeps } from '../../core/use-cases/deps.js';
import { retryRun } from '../../core/use-cases/retry-run.js';
import { HttpError, readBody } from './http-kit.js';
import { runView } from './run-view.js';

export async function retryRollback(
  req: IncomingMessage & { params?: Partial<Record<string, string | string[]>> },
  useCases: UseCaseDeps,
  store: Pick<Store, 'getRun' | 'timeline'>,
  actor: Actor,
) {
  const id = String(req.params?.['id'] ?? '');
  if (!ID_PATTERN.test(id)) throw new HttpError(400, 'The run id is not valid.', [{ path: 'id', message: 'must be a run id such as rb-1a2b3c' }]);
  const text = (await readBody(req)).trim();
  if (text !== '' && text !== '{}')
    throw new HttpError(400, 'Retry takes no parameters: send no body, or {}.', [{ path: '', message: 'expected no body' }]);
  if (!(await store.getRun(id))) throw new HttpError(404, `No rollback run ${id}.`);
  const outcome = await retryRun(useCases, id, actor);
  if (outcome.kind === 'refused') throw new HttpError(409, outcome.message);
  return { status: 201, body: { retryOf: id, ...runView(outcome.run, await store.timeline(outcome.run.id)) } };
}
