// A smoke command from the catalog: an argument array with {placeholders}, never a shell string.
import { execa } from 'execa';
import type { VerificationCheck } from '../../core/model.js';

const MAX_OUTPUT_CHARS = 500;
const KILL_GRACE_MS = 2_000;

export function expandArgv(template: string[], values: Record<string, string>): string[] {
  return template.map((arg) => arg.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole));
}

export async function runCommandCheck(argv: string[], signal: AbortSignal): Promise<VerificationCheck> {
  const started = Date.now();
  const [file, ...args] = argv;
  const name = `command ${argv.join(' ')}`.slice(0, 200);
  if (!file) return { name, phase: 'failed', durationMs: 0, detail: 'empty command' };
  // Own process group (detached) so that cancelling kills the children a script starts, too.
  const result = await execa(file, args, {
    cancelSignal: signal,
    forceKillAfterDelay: KILL_GRACE_MS,
    reject: false,
    all: true,
    detached: true,
    stdin: 'ignore',
    maxBuffer: 1_000_000,
  });
  const output = (result.all ?? '').trim().split('\n').slice(-5).join('\n').slice(-MAX_OUTPUT_CHARS);
  const passed = result.exitCode === 0;
  const why = result.isCanceled
    ? 'cancelled at the verification timeout'
    : result.failed && result.exitCode === undefined
      ? result.shortMessage
      : `exit ${result.exitCode}`;
  return {
    name,
    phase: passed ? 'passed' : 'failed',
    measured: `exit ${result.exitCode ?? '—'}`,
    threshold: 'exit 0',
    durationMs: Date.now() - started,
    detail: passed ? output || 'ok' : `${why}${output ? `: ${output}` : ''}`,
  };
}
