// Runs one executable (helm, a catalog rollback script) with an argument array, never a shell, in its
// own process group, so that a timeout or a cancel stops everything it started, grandchildren too.
import { deadlineSignal, endedByDeadline } from '../../core/deadline-signal.js';
import { execa } from 'execa';
import { DEFAULT_TAIL_LIMITS, OutputTail, type TailLimits } from './output-tail.js';

export interface ProcessOptions {
  timeoutMs: number;
  /** The caller's cancel (execute-run's step deadline, shutdown). */
  signal: AbortSignal;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** SIGTERM first; SIGKILL to the whole group when it is still alive this long after. */
  killGraceMs: number;
  /** 'buffer': stdout is returned whole (helm's JSON) and only stderr goes to the tail. */
  stdout: 'tail' | 'buffer';
  tailLimits?: TailLimits;
}

export type ProcessEnd = 'exited' | 'timed_out' | 'cancelled' | 'spawn_failed';

export interface ProcessOutcome {
  end: ProcessEnd;
  exitCode: number | undefined;
  /** The signal that ended the process, e.g. SIGTERM after a timeout. */
  signal: string | undefined;
  /** Why the process could not start (e.g. `ENOENT`: the executable is not on PATH). */
  spawnError?: string;
  stdout: string;
  tail: OutputTail;
}

const MAX_BUFFERED_STDOUT = 10_000_000;

export async function runProcess(argv: readonly string[], options: ProcessOptions): Promise<ProcessOutcome> {
  const [file, ...args] = argv;
  const tail = new OutputTail(options.tailLimits ?? DEFAULT_TAIL_LIMITS);
  if (!file) return { end: 'spawn_failed', exitCode: undefined, signal: undefined, spawnError: 'empty command', stdout: '', tail };
  if (options.signal.aborted) return { end: 'cancelled', exitCode: undefined, signal: undefined, stdout: '', tail };

  const stop = deadlineSignal(options.timeoutMs, options.signal);
  // biome-ignore lint/correctness/useYield: an execa transform that yields nothing keeps the line out of execa's buffer (no unbounded memory); only the tail keeps it
  const collect = function* (line: unknown) {
    tail.push(String(line));
  };
  const subprocess = execa(file, args, {
    // detached: setsid(), so the child leads a new process group that we can signal as a whole.
    detached: true,
    cancelSignal: stop,
    forceKillAfterDelay: options.killGraceMs,
    reject: false,
    stdin: 'ignore',
    stdout: options.stdout === 'buffer' ? 'pipe' : collect,
    stderr: collect,
    maxBuffer: MAX_BUFFERED_STDOUT,
    ...(options.env ? { env: options.env } : {}),
  });
  const pid = subprocess.pid;
  const timers: NodeJS.Timeout[] = [];
  let settled = false;
  let groupSignalled = false;
  // execa signals only the child itself; a script's children would survive it and, holding our
  // pipes open, keep the result from ever settling. So the whole group gets every signal.
  const stopGroup = () => {
    if (pid === undefined || settled) return;
    groupSignalled = true;
    signalGroup(pid, 'SIGTERM');
    timers.push(setTimeout(() => signalGroup(pid, 'SIGKILL'), options.killGraceMs));
  };
  stop.addEventListener('abort', stopGroup, { once: true });
  // A child that exits while something it started still holds stdout open: that leftover is stopped
  // after the grace period instead of holding the step until the timeout.
  subprocess.once('exit', () => {
    if (!settled) timers.push(setTimeout(stopGroup, options.killGraceMs));
  });
  let result;
  try {
    result = await subprocess;
  } finally {
    settled = true;
    stop.removeEventListener('abort', stopGroup);
    for (const t of timers) clearTimeout(t);
  }
  // The result settles when the child is gone; a grandchild that ignores SIGTERM and holds no pipe
  // could still be alive. Return only once the group is gone, so "killed" in the report is true.
  if (groupSignalled && pid !== undefined) await awaitGroupGone(pid, options.killGraceMs);
  const end: ProcessEnd = result.isCanceled
    ? endedByDeadline(stop)
      ? 'timed_out'
      : 'cancelled'
    : result.exitCode === undefined && !result.signal
      ? 'spawn_failed'
      : 'exited';
  const spawnError = end === 'spawn_failed' ? spawnErrorOf(result.cause, result.shortMessage ?? 'unknown error') : undefined;
  return {
    end,
    exitCode: result.exitCode,
    signal: result.signal,
    ...(spawnError ? { spawnError } : {}),
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    tail,
  };
}

/** Polls until no process is left in the group; SIGKILL once the grace period is over. Bounded. */
async function awaitGroupGone(pid: number, graceMs: number): Promise<void> {
  const poll = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!groupAlive(pid)) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return !groupAlive(pid);
  };
  if (await poll(graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  // Unreaped zombies still count as members; after SIGKILL there is nothing more we can do.
  await poll(1_000);
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

function spawnErrorOf(cause: unknown, fallback: string): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : fallback;
}

/** `exit 1`, `killed by SIGTERM`, `timed out after 300 s`… for a StepResult. */
export function describeEnd(outcome: ProcessOutcome, timeoutMs: number): string {
  switch (outcome.end) {
    case 'timed_out':
      return `timed out after ${Math.round(timeoutMs / 1000)} s; its whole process group was killed`;
    case 'cancelled':
      return 'cancelled; its whole process group was killed';
    case 'spawn_failed':
      return `could not start (${outcome.spawnError ?? 'unknown error'})`;
    case 'exited':
      return outcome.exitCode !== undefined ? `exit ${outcome.exitCode}` : `killed by ${outcome.signal ?? 'a signal'}`;
  }
}
