// GET /api/v1/rollbacks: the audit export. Newest first, a page at a time; `nextCursor` is null on the
// last page. Each run has the same shape as GET /api/v1/rollbacks/:id, timeline included, so a
// compliance export needs no second request per run.
import type { Store } from '../../core/ports.js';
import { encodeCursor, parseListQuery } from './rollback-list-query.js';
import { runView } from './run-view.js';

export async function listRollbacks(store: Pick<Store, 'listRuns' | 'timeline'>, search: URLSearchParams) {
  const filter = parseListQuery(search);
  // One more than asked says whether another page exists without a count query.
  const found = await store.listRuns({ ...filter, limit: filter.limit + 1 });
  const page = found.slice(0, filter.limit);
  const last = page.at(-1);
  const runs = [];
  for (const run of page) runs.push(runView(run, await store.timeline(run.id)));
  return { runs, nextCursor: found.length > filter.limit && last ? encodeCursor(last) : null };
}
