// Vitest global setup: no process the tests started may outlive `npm test`. A bot killed through a
// wrapper (the tsx CLI starts the script in a second process) was once left running with parent 1.
//
// At the end of the run every process on the machine is read from /proc, and one counts as the
// tests' when it started after this vitest process and
//   - descends from it (through any chain of parents), or
//   - shares its process group (an orphan keeps its group when its parent dies), or
//   - carries the marker variable set here (inherited by children spawned with the default env,
//     including detached ones that have a group of their own).
// Such processes are killed and the run fails, naming each one. Vitest's own workers are excluded.
// Blind spot: a detached child given an explicit env, once orphaned; give such a child
// `...testProcessMarker()` in its env.
import { readdirSync, readFileSync } from 'node:fs';

const MARKER = 'SMARTSPEC_TEST_RUN';
/** Processes exit asynchronously after their kill (an esbuild service after its parent): a bound to settle. */
const SETTLE_MS = 5_000;

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  /** Clock ticks after boot. */
  startedAt: number;
  command: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces or parentheses: read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), state: fields[0] ?? '?', startedAt: Number(fields[19]), command };
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

function carriesMarker(pid: number, value: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${MARKER}=${value}`);
  } catch {
    return false;
  }
}

function isVitestWorker(p: ProcessInfo, vitestPid: number): boolean {
  return p.ppid === vitestPid && /[\\/]vitest[\\/]/.test(p.command);
}

/** The processes the tests started that are still alive. */
export function leftoverTestProcesses(vitestPid: number = process.pid): ProcessInfo[] {
  const self = readProcess(vitestPid);
  if (!self) return [];
  const all = new Map<number, ProcessInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) all.set(info.pid, info);
  }
  const descendsFromVitest = (p: ProcessInfo): boolean => {
    const seen = new Set<number>();
    for (let cur: ProcessInfo | undefined = p; cur && !seen.has(cur.pid); cur = all.get(cur.ppid)) {
      if (cur.ppid === vitestPid) return true;
      seen.add(cur.pid);
    }
    return false;
  };
  // Whatever started vitest (npm, sh, npx) may have started in the same clock tick: never a leftover.
  const ancestors = new Set<number>();
  for (let cur = all.get(self.ppid); cur && !ancestors.has(cur.pid); cur = all.get(cur.ppid)) ancestors.add(cur.pid);
  const marker = String(vitestPid);
  return [...all.values()].filter(
    (p) =>
      p.pid !== vitestPid &&
      !ancestors.has(p.pid) &&
      p.state !== 'Z' &&
      p.startedAt >= self.startedAt &&
      !isVitestWorker(p, vitestPid) &&
      (descendsFromVitest(p) || p.pgrp === self.pgrp || carriesMarker(p.pid, marker)),
  );
}

/** The marker for a child spawned with an explicit env (only needed when it is also detached). */
export function testProcessMarker(): Record<string, string> {
  const value = process.env[MARKER];
  return value ? { [MARKER]: value } : {};
}

export function setup(): void {
  process.env[MARKER] = String(process.pid);
}

export async function teardown(): Promise<void> {
  if (process.platform !== 'linux') return; // /proc is how processes are found
  const deadline = Date.now() + SETTLE_MS;
  let leftover = leftoverTestProcesses();
  while (leftover.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    leftover = leftoverTestProcesses();
  }
  if (leftover.length === 0) return;
  for (const p of leftover) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exitCode = 1;
  throw new Error(
    `${leftover.length} process(es) started by the tests were still running after them (now killed): ` +
      `${leftover.map((p) => `pid ${p.pid} (parent ${p.ppid}): ${p.command.slice(0, 200)}`).join('; ')}. ` +
      'Every test must stop what it starts; spawn the bot as test/support/bot-process.ts does (node --import tsx, one process).',
  );
}
