// GET /readyz: every dependency the bot needs to do its job, checked in parallel, each bounded by a
// timeout, with the one that failed named in the body. The kubelet and on-call people both read it.
import type { CustomRoute } from '@slack/bolt';
import { scrubText } from '../logging/redact.js';
import { sendJson } from './http-kit.js';

export interface ReadinessCheck {
  /** Shown in the body: `database`, `slack`, `cluster:<context>`. */
  name: string;
  /** Resolves when the dependency is usable; throws with a short reason when not. Should honour `signal`. */
  check(signal: AbortSignal): Promise<void>;
}

export type CheckResult = { name: string; ok: true; ms: number } | { name: string; ok: false; ms: number; error: string };

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: CheckResult[];
}

export interface ReadinessOptions {
  /** Per check; under the probe's own timeoutSeconds so the answer arrives before the kubelet gives up. */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 3_000;
const MAX_ERROR_LENGTH = 200;

export function readinessRoutes(checks: ReadinessCheck[], options: ReadinessOptions = {}): CustomRoute[] {
  return [
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        runReadinessChecks(checks, options).then(
          (report) => sendJson(res, report.status === 'ready' ? 200 : 503, report),
          () => sendJson(res, 503, { status: 'not_ready', checks: [] }),
        );
      },
    },
  ];
}

export async function runReadinessChecks(checks: ReadinessCheck[], options: ReadinessOptions = {}): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const results = await Promise.all(checks.map((c) => runOne(c, timeoutMs)));
  return { status: results.every((r) => r.ok) ? 'ready' : 'not_ready', checks: results };
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The race bounds the answer even if a check ignores its signal.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check.check(controller.signal)), timedOut]);
    return { name: check.name, ok: true, ms: elapsed(started) };
  } catch (error) {
    return { name: check.name, ok: false, ms: elapsed(started), error: describeFailure(error) };
  } finally {
    clearTimeout(timer);
    controller.abort(); // let a check still running give up its socket
  }
}

/** One line, secrets scrubbed, bounded: the body is readable by whoever can reach the port. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  const line = scrubText(message.split('\n')[0] ?? '').trim() || 'failed';
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
