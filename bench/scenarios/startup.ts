// Start to ready: the compiled bot spawned as `npm start` runs it, polled every 5 ms until /healthz
// (the process is up) and then /readyz (database, Slack auth and cluster reachable) answer 200.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { PROJECT_ROOT } from '../../test/support/bot-process.js';
import { startProcessWorld } from '../../test/support/process-world.js';
import type { Row } from '../report.js';
import { summarize } from '../stats.js';
import { type BotRuntime, describeRuntime } from '../bot-runtime.js';

export interface StartupOptions extends BotRuntime {
  starts: number;
}

export async function benchStartup(entry: string, o: StartupOptions, log: (line: string) => void): Promise<Row[]> {
  const world = await startProcessWorld({ logLevel: 'info' });
  const healthz: number[] = [];
  const readyz: number[] = [];
  try {
    for (let i = 0; i < o.starts; i++) {
      const port = await freePort();
      const t0 = performance.now();
      const child = spawn(process.execPath, [...(o.nodeFlags ?? []), entry], {
        cwd: PROJECT_ROOT,
        env: { ...world.env, ...o.env, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      try {
        healthz.push(await until200(`http://127.0.0.1:${port}/healthz`, t0, () => stderr));
        readyz.push(await until200(`http://127.0.0.1:${port}/readyz`, t0, () => stderr));
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    log(`  ${o.starts} starts (the first one creates and migrates the database)`);
  } finally {
    await world.close();
  }
  const h = summarize(healthz);
  return [
    {
      id: 'start-healthz',
      metric: 'start → /healthz ready',
      unit: 'ms',
      summary: h,
      target: 'p50 < 0.5 s',
      verdict: h.p50 < 500 ? 'met' : 'missed',
      note: ['<bundle>/main.mjs, as npm start runs it', describeRuntime(o)].filter(Boolean).join('; '),
      samples: healthz,
    },
    {
      id: 'start-readyz',
      metric: 'start → /readyz ready',
      unit: 'ms',
      summary: summarize(readyz),
      target: '',
      verdict: '',
      note: 'database, Slack auth.test and the cluster checked',
      samples: readyz,
    },
  ];
}

async function until200(url: string, t0: number, stderr: () => string): Promise<number> {
  const deadline = t0 + 30_000;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} not ready within 30 s:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
