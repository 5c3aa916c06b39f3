// The bot as its own operating-system process (src/main.ts, configured only through the environment,
// exactly as `npm start` runs it), for what an in-process bot cannot show: SIGKILL, a file-size limit,
// and the memory of the bot alone.
//
// It runs as `node --import tsx src/main.ts`, not through the tsx CLI: the CLI starts the script in a
// second process, so a SIGKILL sent to it would leave the real bot running.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(PROJECT_ROOT, 'src', 'main.ts');

export interface BotProcessOptions {
  env: Record<string, string>;
  /**
   * RLIMIT_FSIZE for the bot: no file it writes (database, WAL) may grow past this many bytes, as
   * on a full disk. Set with the POSIX shell's `ulimit -f` (512-byte blocks), so it needs no root.
   */
  fileSizeLimitBytes?: number;
  /** Run compiled JavaScript (dist/main.mjs or any built entry) instead of the TypeScript source. */
  entry?: string;
  /** Node flags before the entry (`--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

export interface BotProcess {
  readonly pid: number;
  /** The bot's base URL, from its "listening" log line. */
  readonly url: string;
  /** Every stdout and stderr line so far (pino JSON on stdout). */
  readonly lines: string[];
  /** Milliseconds from spawn to the "listening" line. */
  readonly startedInMs: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident set size of the bot process, in bytes. */
  rssBytes(): number;
}

export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const nodeArgs = [...(options.nodeFlags ?? []), ...(options.entry ? [options.entry] : ['--import', 'tsx', MAIN])];
  const child =
    options.fileSizeLimitBytes === undefined
      ? spawn(process.execPath, nodeArgs, { cwd: PROJECT_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(
          '/bin/sh',
          ['-c', 'ulimit -f "$1" && shift && exec "$@"', 'sh', String(Math.ceil(options.fileSizeLimitBytes / 512)), process.execPath, ...nodeArgs],
          { cwd: PROJECT_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] },
        );
  const started = performance.now();
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  collectLines(child, lines);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the bot did not listen within ${options.startTimeoutMs ?? 30_000} ms:\n${lines.join('\n')}`)),
      options.startTimeoutMs ?? 30_000,
    );
    const look = () => {
      for (const line of lines) {
        const match = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          child.stdout?.off('data', look);
          resolve(match[1]);
          return;
        }
      }
    };
    child.stdout?.on('data', () => setImmediate(look));
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the bot exited (${how.code ?? how.signal}) before listening:\n${lines.join('\n')}`));
    });
  });
  const startedInMs = performance.now() - started;
  const pid = child.pid;
  if (pid === undefined) throw new Error('the bot process has no pid');
  return {
    pid,
    url,
    lines,
    startedInMs,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    rssBytes: () => rssOf(pid),
  };
}

function collectLines(child: ChildProcess, lines: string[]): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
    });
    stream?.on('end', () => {
      if (partial) lines.push(partial);
    });
  }
}

/** /proc on Linux; `ps` elsewhere (both report kilobytes). */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall through to ps
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}
