// The bot exactly as `npm start` runs it: compiled by tsc with the project's build config, started as
// `node …/src/main.js`. Compiled into node_modules/.cache so bare imports resolve to the project's
// node_modules and dist/ (someone else's build) is left alone.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../test/support/bot-process.js';

export function buildBot(): string {
  const outDir = join(PROJECT_ROOT, 'node_modules', '.cache', 'smartspec-bench', 'dist');
  try {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  } catch (error) {
    // tsc emits even with type errors (noEmitOnError is off); only a missing entry is fatal.
    process.stderr.write(`tsc reported errors; benchmarking what it emitted:\n${String((error as { stdout?: Buffer }).stdout ?? '')}\n`);
  }
  const entry = join(outDir, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`the build produced no ${entry}`);
  return entry;
}
