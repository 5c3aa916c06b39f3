// src/main.ts as one JavaScript file, for tests that start the bot as a process many times. Under
// `node --import tsx` every start transpiles ~150 modules, and even compiled, loading the dependencies
// module by module (@kubernetes/client-node alone is over a thousand files) takes seconds on two busy
// cores; the bundle is the same code, dependencies included, and starts in well under a second.
// better-sqlite3 stays external (a native addon), so does nothing else. It lives in node_modules/.cache
// so that import resolves to the project's node_modules, under a per-process name so parallel test
// files never read a half-written bundle.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './bot-process.js';

export interface BotBundle {
  entry: string;
  dispose(): void;
}

export async function bundleBot(): Promise<BotBundle> {
  // esbuild comes with tsx and vitest; imported lazily so only the tests that start processes need it.
  const esbuild = await import('esbuild');
  const dir = join(PROJECT_ROOT, 'node_modules', '.cache', 'smartspec-reliability');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `main-${process.pid}-${Date.now().toString(36)}.mjs`);
  await esbuild.build({
    entryPoints: [join(PROJECT_ROOT, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    outfile: entry,
    logLevel: 'error',
    // Some dependencies are CommonJS and call require(): give the ES module bundle one.
    banner: { js: "import { createRequire as __smartspecRequire } from 'node:module'; const require = __smartspecRequire(import.meta.url);" },
  });
  return { entry, dispose: () => rmSync(entry, { force: true }) };
}
