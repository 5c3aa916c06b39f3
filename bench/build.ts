// The bot exactly as `npm start` runs it: the production bundle (scripts/bundle.ts), started as
// `node …/main.mjs`. Built into node_modules/.cache so the external native modules resolve to the
// project's node_modules and dist/ (someone else's build) is left alone.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleProduct } from '../scripts/bundle.js';
import { PROJECT_ROOT } from '../test/support/bot-process.js';

// One directory per benchmark process: two benchmarks run at once (colleagues on one machine) must
// not start each other's bundle.
export async function buildBot(): Promise<string> {
  const outDir = join(PROJECT_ROOT, 'node_modules', '.cache', 'smartspec-bench', String(process.pid), 'dist');
  await bundleProduct({ root: PROJECT_ROOT, outDir, entries: ['main'], sourcemap: false });
  return join(outDir, 'main.mjs');
}

/** Removes this process's bundle (the directory buildBot made). */
export function removeBot(): void {
  rmSync(join(PROJECT_ROOT, 'node_modules', '.cache', 'smartspec-bench', String(process.pid)), { recursive: true, force: true });
}
