// The bot exactly as `npm start` runs it: the production bundle (scripts/bundle.ts), started as
// `node …/main.mjs`. Built into node_modules/.cache so the external native modules resolve to the
// project's node_modules and dist/ (someone else's build) is left alone.
import { join } from 'node:path';
import { bundleProduct } from '../scripts/bundle.js';
import { PROJECT_ROOT } from '../test/support/bot-process.js';

export async function buildBot(): Promise<string> {
  const outDir = join(PROJECT_ROOT, 'node_modules', '.cache', 'smartspec-bench', 'dist');
  await bundleProduct({ root: PROJECT_ROOT, outDir, entries: ['main'], sourcemap: false });
  return join(outDir, 'main.mjs');
}
