// A heap snapshot of the bot process, taken while the benchmark drives it: the bot runs with
// `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>`, so SIGUSR2 makes V8 collect garbage and write
// the live heap there. Writing blocks the bot's event loop, so once /healthz answers again the file is
// complete. Other rollbacks in flight simply wait meanwhile.
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { BotProcess } from '../test/support/bot-process.js';
import type { ProcessWorld } from '../test/support/process-world.js';

export async function heapSnapshot(bot: BotProcess, world: ProcessWorld, dir: string, label: number, log: (line: string) => void): Promise<string> {
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  process.kill(bot.pid, 'SIGUSR2');
  const deadline = performance.now() + 120_000;
  for (;;) {
    const written = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (written) {
      const answered = await world.api('GET', '/healthz', undefined, null).then(
        (r) => r.status === 200,
        () => false,
      );
      if (answered) {
        const target = join(dir, `after-${label}.heapsnapshot`);
        renameSync(join(dir, written), target);
        log(`  heap snapshot after ${label} rollbacks: ${target}`);
        return target;
      }
    }
    if (performance.now() > deadline) throw new Error(`no heap snapshot in ${dir} within 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
