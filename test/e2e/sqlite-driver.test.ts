// The SQLite driver on the Node that runs the tests (Node 20 locally, Node 24 in CI's second pass):
// the right better-sqlite3 for its Node-API, and a process that churns through prepared statements
// exits cleanly. With better-sqlite3 12.11.1 on Node 24.21 that process aborted in 4 runs of 5
// ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook, exit 134): the
// statements collected at teardown found no Environment. src/adapters/sqlite/driver.ts says why.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driverPackageFor, SQLITE_DRIVER_PACKAGE } from '../../src/adapters/sqlite/driver.js';
import { PROJECT_ROOT } from '../support/bot-process.js';

const require = createRequire(import.meta.url);

describe('the SQLite driver', () => {
  it('is better-sqlite3 13 where Node-API 10 is available, 12 (the node20 alias) before', () => {
    expect(driverPackageFor(9)).toBe('better-sqlite3-node20');
    expect(driverPackageFor(10)).toBe('better-sqlite3');
    const version = (require(`${SQLITE_DRIVER_PACKAGE}/package.json`) as { version: string }).version;
    const major = Number(version.split('.')[0]);
    if (Number(process.versions.napi) >= 10) expect(major).toBeGreaterThanOrEqual(13);
    else expect(major).toBe(12);
  });

  it('is loaded only through driver.ts: importing better-sqlite3 directly crashes Node 20', () => {
    const offenders: string[] = [];
    for (const top of ['src', 'sandbox', 'test', 'bench', 'scripts']) {
      for (const file of sourceFiles(join(PROJECT_ROOT, top))) {
        const text = readFileSync(file, 'utf8');
        // Type-only imports compile away; a value import or require loads the package.
        if (/^import (?!type )[^;]*from 'better-sqlite3'|require\('better-sqlite3'\)/m.test(text)) {
          offenders.push(relative(PROJECT_ROOT, file));
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('lets a process that prepared and dropped 20,000 statements exit cleanly', async () => {
    // Plain CommonJS, without tsx: under tsx's loader the larger heap moved the collection and 12.x
    // on Node 24 exited cleanly, so the same churn there would prove nothing.
    const script = [
      `const Sqlite = require(${JSON.stringify(SQLITE_DRIVER_PACKAGE)});`,
      "const db = new Sqlite(':memory:');",
      'const kept = [];',
      'for (let i = 0; i < 20000; i++) { const s = db.prepare(`select ${i % 50} as x`); s.get(); if (i % 7 === 0) kept.push(s); }',
      "console.log('churned', kept.length);",
      'setTimeout(() => process.exit(0), 10);',
    ].join('\n');
    const outcome = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? null) : 0, signal: error?.signal ?? null, stdout, stderr }),
      );
    });
    expect(outcome.stderr).not.toContain('Assertion failed');
    expect(outcome.stdout).toContain('churned 2858');
    expect({ code: outcome.code, signal: outcome.signal }).toEqual({ code: 0, signal: null });
  });
});

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|mjs|js)$/.test(entry.name) && !path.endsWith('sqlite-driver.test.ts') && !path.endsWith('driver.ts')) yield path;
  }
}
