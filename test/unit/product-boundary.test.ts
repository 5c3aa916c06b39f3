// The product stands apart from its emulators: what `npm run build` compiles and the image ships
// is src/ alone, src/ imports nothing from sandbox/, and the runtime needs no devDependency.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(entry.name) ? [path] : [];
  });
}

function importSpecifiers(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specifiers.push((match[1] ?? match[2])!);
  }
  return specifiers;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('the product boundary', () => {
  const files = sourceFiles(join(ROOT, 'src'));

  it('src/ imports nothing from sandbox/ or test/', () => {
    const offenders = files.flatMap((file) =>
      importSpecifiers(readFileSync(file, 'utf8'))
        .filter((s) => s.startsWith('.'))
        .map((s) => relative(ROOT, resolve(file, '..', s)))
        .filter((target) => !target.startsWith('src/'))
        .map((target) => `${relative(ROOT, file)} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('src/ needs only runtime dependencies and Node built-ins', () => {
    const builtins = new Set(builtinModules);
    const missing = files.flatMap((file) =>
      importSpecifiers(readFileSync(file, 'utf8'))
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
        .filter((s) => !builtins.has(s) && !(packageName(s) in pkg.dependencies))
        .map((s) => `${relative(ROOT, file)} imports ${s}`),
    );
    expect(missing).toEqual([]);
  });

  it('the production build compiles no file outside src/', () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const listed = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((line) => line && !line.includes('/node_modules/'))
      .map((line) => relative(ROOT, line));
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((file) => !file.startsWith('src/'))).toEqual([]);
  });
});
