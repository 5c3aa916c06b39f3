// POST /api/v1/rollbacks/:id/cancel: withdraw a waiting plan (200, cancelled) or ask an executing run
// to stop before its next step (202, stopping: follow GET /api/v1/rollbacks/:id until it is
// cancelled). Refusals keep their meaning: 404 unknown run, 403 not allowed, 409 nothing to stop.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ID_PATTERN } from '../../core/command.js';
import type { Actor } from '../../core/model.js';
import type { Store } from '../../core/ports.js';
import { requestCancel } from '../../core/use-cases/cancel-run.js';
import type { UseCaseDeps } from '../../core/use-cases/deps.js';
import { HttpError, readBody } from './http-kit.js';
import { runView } from './run-view.js';

const REFUSAL_STATUS = { not_found: 404, not_allowed: 403, not_cancellable: 409 } as const;

// Nothing to say but "stop": an empty body or `{}`; anything else is a mistake worth naming.
const cancelBody = z.strictObject({});

export async function cancelRollback(
  req: IncomingMessage & { params?: Partial<Record<string, string | string[]>> },
  useCases: UseCaseDeps,
  store: Pick<Store, 'getRun' | 'timeline'>,
  actor: Actor,
) {
  const id = String(req.params?.['id'] ?? '');
  if (!ID_PATTERN.test(id)) throw new HttpError(400, 'The run id is not valid.', [{ path: 'id', message: 'must be a run id such as rb-1a2b3c' }]);
  await checkBody(req);
  const outcome = await requestCancel(useCases, id, actor);
  if (outcome.kind === 'refused') throw new HttpError(REFUSAL_STATUS[outcome.reason], outcome.message);
  const run = await store.getRun(id);
  if (!run) throw new HttpError(404, `No rollback run ${id}.`);
  return { status: outcome.kind === 'cancelled' ? 200 : 202, body: { outcome: outcome.kind, ...runView(run, await store.timeline(id)) } };
}

async function checkBody(req: IncomingMessage): Promise<void> {
  const text = (await readBody(req)).trim();
  if (text === '') return;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body is not valid JSON; send no body, or {}.');
  }
  const parsed = cancelBody.safeParse(raw);
  if (!parsed.success) {
    throw new HttpError(
      400,
      'Cancel takes no parameters: send no body, or {}.',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
}
