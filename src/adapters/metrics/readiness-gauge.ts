// smartspec_rollback_ready{service}: 1 when the last rehearsal here found the service's rollback
// would work, 0 when not. A service never rehearsed by this replica has no series (not a false 1).
import { Gauge } from 'prom-client';
import type { ReadinessBoard } from '../../core/rehearsal/readiness.js';
import type { Metrics } from './metrics.js';

export function exposeReadiness(board: ReadinessBoard, metrics: Metrics): void {
  const gauge = new Gauge({
    name: 'smartspec_rollback_ready',
    help: 'Whether the last rollback rehearsal of the service passed (plan, server-side dry run, access reviews, target revision present): 1 ready, 0 not.',
    labelNames: ['service'],
    registers: [metrics.registry],
  });
  for (const r of board.all()) gauge.set({ service: r.service }, r.ready ? 1 : 0);
  board.onRecord((r) => gauge.set({ service: r.service }, r.ready ? 1 : 0));
}
