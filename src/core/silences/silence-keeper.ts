// Keeps Alertmanager quiet exactly while a run changes production: a silence when execution starts
// (or resumes), ended when the run succeeds, fails, is cancelled or stops in any other way, and a
// periodic sweep that ends any silence whose run is no longer active (a crash between "run ended"
// and "silence ended", a replica that died, an Alertmanager that was down at the time).
import { deadlineSignal } from '../deadline-signal.js';
import type { RunEvent, RunEventSubscriber } from '../coordinator/run-events.js';
import { TERMINAL_EVENT_TYPES } from '../coordinator/run-events.js';
import type { Run } from '../model.js';
import type { Clock, Logger, Store } from '../ports.js';
import type { Catalog, SilenceMatcher } from '../service.js';
import {
  type AlertmanagerClient,
  extendedEnd,
  formatMatcher,
  liveSilencesOf,
  reconcileAction,
  runIdOf,
  type Silence,
  silenceFor,
} from './alert-silences.js';

const CALL_TIMEOUT_MS = 10_000;

export interface SilenceKeeperDeps {
  store: Pick<Store, 'getRun' | 'appendTimeline'>;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  alertmanager: AlertmanagerClient;
  /** A link to the run for people reading the silence in Alertmanager's UI (the plan's thread). */
  runLink?(run: Run): Promise<string | undefined>;
  /** Plain text for the plan's thread: people must know whether the pager is quiet, and why. */
  tell?(run: Run, text: string): Promise<void>;
}

export interface ReconcileReport {
  expired: Array<{ silenceId: string; runId: string; url: string }>;
  /** Alertmanagers that could not be read or written; tried again on the next sweep. */
  errors: Array<{ url: string; error: string }>;
}

const SYSTEM = { kind: 'system' as const, id: 'smartspec-rollback' };

export class SilenceKeeper implements RunEventSubscriber {
  readonly name = 'alertmanager-silences';

  constructor(private readonly deps: SilenceKeeperDeps) {}

  /**
   * The run waits for this subscriber whenever it silences or un-silences: the silence covers every
   * cluster write (it exists before the first step), and a failure lets real alerts fire again before
   * the run goes on to its reports.
   */
  holdsRun(event: RunEvent): boolean {
    return startsSilence(event) || endsSilence(event);
  }

  async handle(event: RunEvent, run: Run): Promise<void> {
    if (startsSilence(event)) {
      await this.silence(run);
    } else if (endsSilence(event)) {
      // A failed step or verification ends the silence at once: real alerts must fire again while
      // the run still collects evidence and writes its reports.
      await this.end(run, event.type);
    }
  }

  /** Idempotent: a resumed run, or a second replica seeing the same event, reuses the live silence. */
  async silence(run: Run): Promise<string | undefined> {
    const policy = this.deps.catalog.services.get(run.plan.service)?.alertmanager;
    if (!policy) return undefined;
    try {
      const existing = liveSilencesOf(await this.deps.alertmanager.listSilences(policy.url, timeout()), run.id);
      if (existing[0]) return existing[0].id;
      const link = await this.deps.runLink?.(run).catch(() => undefined);
      const id = await this.deps.alertmanager.createSilence(policy.url, silenceFor(run, policy, this.deps.clock.now(), link), timeout());
      await this.record(run.id, 'silence_created', `Alertmanager silence ${id} quiets ${describeMatchers(policy.matchers)} until the run ends`);
      await this.say(
        run,
        `Alerts matching ${describeMatchers(policy.matchers)} are silenced in Alertmanager (silence ${id}) while the rollback runs; the silence ends when the run ends.`,
      );
      return id;
    } catch (error) {
      this.deps.logger.warn({ err: error, runId: run.id }, 'could not create the Alertmanager silence; alerts keep firing during the rollback');
      await this.record(run.id, 'silence_failed', `no Alertmanager silence: ${message(error)}; alerts keep firing during the rollback`);
      await this.say(
        run,
        `Alerts are NOT silenced during this rollback: ${message(error)}. Expect pages for ${describeMatchers(policy.matchers)} while it runs.`,
      );
      return undefined;
    }
  }

  /** Ends every live silence of the run. A failure is left to the reconciler, which tries again. */
  async end(run: Run, why: string): Promise<string[]> {
    const policy = this.deps.catalog.services.get(run.plan.service)?.alertmanager;
    if (!policy) return [];
    try {
      const live = liveSilencesOf(await this.deps.alertmanager.listSilences(policy.url, timeout()), run.id);
      for (const s of live) {
        await this.deps.alertmanager.expireSilence(policy.url, s.id, timeout());
        await this.record(run.id, 'silence_expired', `Alertmanager silence ${s.id} ended (${why})`);
      }
      return live.map((s) => s.id);
    } catch (error) {
      this.deps.logger.warn({ err: error, runId: run.id }, 'could not end the Alertmanager silence; the reconciler will try again');
      return [];
    }
  }

  /** The periodic sweep: every Alertmanager in the catalog, every live silence of the bot's. */
  async reconcile(signal?: AbortSignal): Promise<ReconcileReport> {
    const report: ReconcileReport = { expired: [], errors: [] };
    const urls = new Set([...this.deps.catalog.services.values()].flatMap((s) => (s.alertmanager ? [s.alertmanager.url] : [])));
    for (const url of urls) {
      if (signal?.aborted) break;
      try {
        for (const silence of await this.deps.alertmanager.listSilences(url, timeout(signal))) {
          const runId = runIdOf(silence);
          if (!runId || silence.state === 'expired') continue;
          const run = await this.deps.store.getRun(runId);
          const action = reconcileAction(silence, run);
          if (action === 'keep') await this.extend(url, silence, run!);
          if (action !== 'expire') continue;
          await this.deps.alertmanager.expireSilence(url, silence.id, timeout(signal));
          await this.record(runId, 'silence_expired', `Alertmanager silence ${silence.id} ended: the run is ${run!.status}`);
          report.expired.push({ silenceId: silence.id, runId, url });
        }
      } catch (error) {
        this.deps.logger.warn({ err: error, url }, 'reconciling Alertmanager silences failed; trying again on the next sweep');
        report.errors.push({ url, error: message(error) });
      }
    }
    return report;
  }

  /** Keeps a long run's silence in force (see extendedEnd); its own service's policy says for how long. */
  private async extend(url: string, silence: Silence, run: Run): Promise<void> {
    const policy = this.deps.catalog.services.get(run.plan.service)?.alertmanager;
    const endsAt = policy && policy.url === url ? extendedEnd(silence, policy, this.deps.clock.now()) : undefined;
    if (!endsAt) return;
    await this.deps.alertmanager.extendSilence(url, silence, endsAt, timeout());
    await this.record(run.id, 'silence_extended', `Alertmanager silence ${silence.id} extended to ${endsAt}: the run is still ${run.status}`);
  }

  /** The thread is a courtesy: Slack failing must not stop the silence or the run. */
  private async say(run: Run, text: string): Promise<void> {
    await this.deps.tell?.(run, text).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, runId: run.id }, 'could not tell the thread about the Alertmanager silence');
    });
  }

  private async record(runId: string, type: string, detail: string): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    await this.deps.store.appendTimeline({ runId, at, actor: SYSTEM, type, detail }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, runId, type }, 'could not record the silence in the timeline');
    });
  }
}

function timeout(signal?: AbortSignal): AbortSignal {
  return deadlineSignal(CALL_TIMEOUT_MS, signal);
}

function describeMatchers(matchers: SilenceMatcher[]): string {
  return matchers.map(formatMatcher).join(', ');
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

function startsSilence(event: RunEvent): boolean {
  return event.type === 'execution_started' || event.type === 'resumed';
}

function endsSilence(event: RunEvent): boolean {
  return TERMINAL_EVENT_TYPES.includes(event.type) || event.type === 'step_failed' || (event.type === 'verified' && event.phase === 'Failed');
}
