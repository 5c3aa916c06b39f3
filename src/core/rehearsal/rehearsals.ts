// Rehearsing many services, keeping the readiness table, and telling a service's channel once when it
// turns not-ready (again only after it has been ready in between, or for new reasons).
import type { Store } from '../ports.js';
import type { Service } from '../service.js';
import type { PeriodicJob } from '../coordinator/periodic-work.js';
import type { UseCaseDeps } from '../use-cases/deps.js';
import { problemsKey, type ReadinessBoard, type ServiceReadiness } from './readiness.js';
import { rehearseService } from './rehearse-service.js';

/** Says, in the service's channel, why it could not be rolled back right now. */
export interface ReadinessNotifier {
  notReady(channel: string, readiness: ServiceReadiness): Promise<void>;
}

export interface RehearsalDeps extends Pick<UseCaseDeps, 'store' | 'provider' | 'clock' | 'logger' | 'catalog'> {
  board: ReadinessBoard;
  notifier?: ReadinessNotifier;
}

/** Rehearses the named services (all of the catalog when none), one after another; records and announces. */
export async function rehearse(deps: RehearsalDeps, names?: string[]): Promise<ServiceReadiness[]> {
  const services = [...deps.catalog.services.values()].filter((s) => !names || names.includes(s.name));
  const results: ServiceReadiness[] = [];
  for (const service of services) results.push(await rehearseAndRecord(deps, service));
  return results;
}

async function rehearseAndRecord(deps: RehearsalDeps, service: Service): Promise<ServiceReadiness> {
  const lastReadyAt = deps.board.lastReadyAt(service.name);
  const result = await rehearseService(deps, service);
  const previous = deps.board.record(result);
  if (!result.ready) await announce(deps, service, result, previous, lastReadyAt);
  return result;
}

/**
 * Once per turn to not-ready: not when the previous rehearsal here found the same problems, and,
 * across replicas and restarts, not when the store already remembers this announcement (keyed by the
 * problems and by when the service was last seen ready).
 */
async function announce(
  deps: RehearsalDeps,
  service: Service,
  result: ServiceReadiness,
  previous: ServiceReadiness | undefined,
  lastReadyAt: string | undefined,
): Promise<void> {
  if (!deps.notifier || !service.channel) return;
  if (previous && !previous.ready && problemsKey(previous) === problemsKey(result)) return;
  const key = `${service.name}|${service.environment}|${lastReadyAt ?? 'not-seen-ready'}|${problemsKey(result)}`;
  if (!(await rememberOnce(deps.store, key, result.checkedAt))) return;
  await deps.notifier
    .notReady(service.channel, result)
    .catch((error: unknown) => deps.logger.warn({ err: error, service: service.name }, 'could not post the readiness message'));
}

async function rememberOnce(store: Pick<Store, 'rememberEvent'>, key: string, at: string): Promise<boolean> {
  return store.rememberEvent('rehearsal', key.length > 400 ? key.slice(0, 400) : key, at);
}

/** One periodic job per service with `rehearsal.everyHours`: once per period across all replicas. */
export function rehearsalJobs(deps: RehearsalDeps): PeriodicJob[] {
  return [...deps.catalog.services.values()]
    .filter((s) => s.rehearsal)
    .map((s) => ({
      name: `rehearse:${s.name}:${s.environment}`,
      everyMs: s.rehearsal!.everyHours * 3_600_000,
      run: async () => {
        await rehearse(deps, [s.name]);
      },
    }));
}
