// The bot as `npm start` runs it — the production bundle of src/main.ts (scripts/bundle.ts) — for
// tests that start it as a process many times: under `node --import tsx` every start transpiles
// ~150 modules and loads ~2,000 dependency files, which takes seconds on two busy cores. It lives in
// node_modules/.cache so the external better-sqlite3 resolves to the project's node_modules, under a
// per-process name so parallel test files never read a half-written bundle.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleProduct } from '../../scripts/bundle.js';
import { PROJECT_ROOT } from './bot-process.js';

export interface BotBundle {
  entry: string;
  dispose(): void;
}

export async function bundleBot(): Promise<BotBundle> {
  const outDir = join(PROJECT_ROOT, 'node_modules', '.cache', 'smartspec-reliability', `${process.pid}-${Date.now().toString(36)}`);
  await bundleProduct({ root: PROJECT_ROOT, outDir, entries: ['main'], sourcemap: false });
  return { entry: join(outDir, 'main.mjs'), dispose: () => rmSync(outDir, { recursive: true, force: true }) };
}
